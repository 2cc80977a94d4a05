// Runs an example module under Node's own WASI (node:wasi), so tests can check the modules with an
// engine that is not ours. Usage:
//   node wasi-run.mjs command MODULE [--env KEY=VALUE]... [--dir LOCAL::GUEST]... [-- ARG...]
//                                                                       run _start; exit with its code
//   node wasi-run.mjs call MODULE FUNCTION [TYPE:VALUE]...             reactor call, prints the result
//   node wasi-run.mjs serve MODULE REQUEST...                          alloc/handle each, prints responses
// TYPE is i32, i64, f32 or f64. The weverywhere_host import module is served from this machine's real
// facts (node:os), as a host granting the `observe` privilege would.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import os from 'node:os';

const [mode, modulePath, ...rest] = process.argv.slice(2);
const startedAt = Date.now() - os.uptime() * 1000;

function hostFacts() {
  const quotaWhich = new Set([0, 1, 2, 3]);
  return {
    memory_total_bytes: () => BigInt(os.totalmem()),
    memory_free_bytes: () => BigInt(os.freemem()),
    cpu_logical_cores: () => os.availableParallelism(),
    load_average: (minutes) => ({ 1: os.loadavg()[0], 5: os.loadavg()[1], 15: os.loadavg()[2] }[minutes] ?? -1),
    uptime_millis: () => BigInt(Date.now() - startedAt),
    quota_remaining: (which) => (quotaWhich.has(which) ? -1n : -2n), // node imposes no quotas
  };
}

async function instantiate(wasiOptions) {
  const wasi = new WASI({ version: 'preview1', returnOnExit: true, ...wasiOptions });
  const module = await WebAssembly.compile(readFileSync(modulePath));
  const instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
    weverywhere_host: hostFacts(),
  });
  return { wasi, instance };
}

function argument(typed) {
  const [type, value] = typed.split(':');
  switch (type) {
    case 'i32': return Number.parseInt(value, 10);
    case 'i64': return BigInt(value);
    case 'f32': return Math.fround(Number.parseFloat(value));
    case 'f64': return Number.parseFloat(value);
    default: throw new Error(`unknown type in ${typed}: use i32, i64, f32 or f64`);
  }
}

if (mode === 'command') {
  const separator = rest.indexOf('--');
  const options = separator < 0 ? rest : rest.slice(0, separator);
  const args = separator < 0 ? [] : rest.slice(separator + 1);
  const env = {};
  const preopens = {};
  for (let i = 0; i < options.length; i += 2) {
    if (options[i] === '--dir') {
      // a host directory the guest sees at GUEST, as `weverywhere run --dir` and Wasmtime write it
      const [local, guest] = options[i + 1].split('::');
      preopens[guest ?? local.split('/').pop()] = local;
      continue;
    }
    if (options[i] !== '--env') throw new Error(`unknown option ${options[i]}`);
    const [key, ...value] = options[i + 1].split('=');
    env[key] = value.join('=');
  }
  const { wasi, instance } = await instantiate({ args: [modulePath.split('/').pop(), ...args], env, preopens });
  process.exitCode = wasi.start(instance);
} else if (mode === 'call') {
  const [name, ...typedArgs] = rest;
  const { wasi, instance } = await instantiate({});
  wasi.initialize(instance);
  console.log(String(instance.exports[name](...typedArgs.map(argument))));
} else if (mode === 'serve') {
  const { wasi, instance } = await instantiate({});
  wasi.initialize(instance);
  const { alloc, handle, calls, memory } = instance.exports;
  for (const request of rest) {
    const bytes = new TextEncoder().encode(request);
    const pointer = alloc(bytes.length);
    new Uint8Array(memory.buffer, pointer, bytes.length).set(bytes);
    const packed = BigInt.asUintN(64, handle(pointer, bytes.length));
    const responsePointer = Number(packed >> 32n);
    const responseLength = Number(packed & 0xffffffffn);
    console.log(new TextDecoder().decode(new Uint8Array(memory.buffer, responsePointer, responseLength)));
  }
  console.log(`calls=${calls()}`);
} else {
  console.error('usage: wasi-run.mjs command|call|serve MODULE ...');
  process.exitCode = 2;
}
