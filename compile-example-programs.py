#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = []
# ///
"""Compiles the example WASI programs in example-programs/ into target/example-programs/.

Each folder example-programs/<NAME>/ holds C sources (compiled together with clang-19 against
wasi-libc) or one .wat file (wat2wasm) and becomes <NAME>.wasi. Optional files beside the sources:
  build.json        {"clang_flags": [...]} extra clang flags, e.g. "-mexec-model=reactor"
                    or, in a folder without sources, {"go_package": "cmd/gofmt"}: a program of Go's
                    own source tree (real code nobody here wrote), built for wasip1 by the Go
                    toolchain (1.21+; Debian: golang-1.23-go from bookworm-backports)
  weverywhere.json  WEverywhere metadata, appended to the module as the custom section "weverywhere"
Each example-programs/fixtures/<name>.wat becomes fixtures/<name>.wasm.

Outputs newer than all their inputs (sources, build.json, weverywhere.json, this script) are kept.
Usage: compile-example-programs.py [--force] [--out DIR]
Runs with plain python3 (standard library only) or `uv run compile-example-programs.py`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCES = ROOT / "example-programs"
FIXTURES = "fixtures"
SCRIPT = Path(__file__).resolve()

CLANG = "clang-19"
WAT2WASM = "wat2wasm"
# no -s: the name section stays so inspectors can show function names; wasi-libc's DWARF goes
CLANG_FLAGS = ["--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-Wl,--strip-debug"]
APT_PACKAGES = "clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc wabt"
# wasip1 needs Go 1.21+; Debian 12 has it only in backports, where 1.23 is the newest packaged
GO_PACKAGE = "golang-1.23-go"
GO_CANDIDATES = ["go", "/usr/lib/go-1.23/bin/go"]
GO_MIN_MINOR = 21
METADATA_SECTION = "weverywhere"
SOURCE_SUFFIXES = (".c", ".h", ".wat")


class BuildError(Exception):
    """A module that could not be built; the message says why."""


class Module:
    """One output module and everything it is made from."""

    def __init__(self, name, output, sources, metadata=None, build_config=None, go_package=None):
        self.name = name
        self.output = output
        self.sources = sources
        self.metadata = metadata
        self.build_config = build_config
        self.go_package = go_package

    def inputs(self):
        extra = [p for p in (self.metadata, self.build_config) if p is not None]
        go = find_go() if self.go_package else None
        # a new Go toolchain rebuilds its programs: their sources come with it
        toolchain = [Path(go).resolve()] if go else []
        return self.sources + extra + toolchain + [SCRIPT]

    def is_up_to_date(self):
        if not self.output.exists():
            return False
        built = self.output.stat().st_mtime
        return all(p.stat().st_mtime < built for p in self.inputs())

    def is_wat(self):
        return bool(self.sources) and self.sources[0].suffix == ".wat"

    def is_go(self):
        return self.go_package is not None


def discover(out_dir):
    modules = []
    for folder in sorted(p for p in SOURCES.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name == FIXTURES:
            for wat in sorted(folder.glob("*.wat")):
                modules.append(Module(f"{FIXTURES}/{wat.stem}", out_dir / FIXTURES / f"{wat.stem}.wasm", [wat]))
            continue
        sources = sorted(p for p in folder.iterdir() if p.suffix in SOURCE_SUFFIXES)
        wats = [p for p in sources if p.suffix == ".wat"]
        build_config = folder / "build.json"
        go_package = read_go_package(build_config) if build_config.exists() else None
        if go_package is not None:
            if sources:
                raise BuildError(f"{folder}: a Go program (go_package) has no sources of its own")
            modules.append(Module(folder.name, out_dir / f"{folder.name}.wasi", [], None,
                                  build_config, go_package))
            continue
        if not sources:
            raise BuildError(f"{folder}: no .c or .wat sources")
        if wats and (len(wats) > 1 or len(sources) > 1):
            raise BuildError(f"{folder}: a program is either C sources or exactly one .wat file")
        metadata = folder / "weverywhere.json"
        modules.append(Module(
            folder.name,
            out_dir / f"{folder.name}.wasi",
            sources,
            metadata if metadata.exists() else None,
            build_config if build_config.exists() else None,
        ))
    return modules


def missing_tools(modules):
    """Names of what is missing to build these modules, each with the Debian package that has it."""
    missing = []
    if any(m.is_go() for m in modules) and find_go() is None:
        missing.append(f"go 1.{GO_MIN_MINOR}+ (package {GO_PACKAGE}, from the <codename>-backports suite"
                       " on Debian 12; .ci/run adds it)")
    if any(not m.is_wat() and not m.is_go() for m in modules):
        if shutil.which(CLANG) is None:
            missing.append(f"{CLANG} (package clang-19)")
        else:
            if shutil.which("wasm-ld-19") is None and shutil.which("wasm-ld") is None:
                missing.append("wasm-ld (package lld-19)")
            libc = clang_print(["-print-file-name=libc.a"])
            if not Path(libc).is_absolute():  # clang echoes the bare name when it finds nothing
                missing.append("wasi-libc for wasm32-wasi (package wasi-libc)")
            builtins = clang_print(["-rtlib=compiler-rt", "-print-libgcc-file-name"])
            if not Path(builtins).exists():
                missing.append(f"{builtins} (package libclang-rt-19-dev-wasm32)")
    if any(m.is_wat() for m in modules) and shutil.which(WAT2WASM) is None:
        missing.append(f"{WAT2WASM} (package wabt)")
    return missing


def find_go():
    """The first Go toolchain that builds wasip1 (Go 1.21+), or None."""
    for candidate in GO_CANDIDATES:
        go = shutil.which(candidate)
        if go is None:
            continue
        result = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                                env={**os.environ, "GOTOOLCHAIN": "local"})
        version = result.stdout.strip()  # e.g. go1.23.5
        parts = version.removeprefix("go").split(".")
        if result.returncode == 0 and len(parts) >= 2 and parts[0] == "1" and parts[1].isdigit() \
                and int(parts[1]) >= GO_MIN_MINOR:
            return go
    return None


def read_go_package(build_config):
    config = read_json(build_config)
    package = config.get("go_package") if isinstance(config, dict) else None
    if package is None:
        return None
    if not isinstance(package, str) or not package.startswith("cmd/") or ".." in package:
        raise BuildError(f'{build_config}: expected {{"go_package": "cmd/NAME"}}, a program of Go\'s own tree')
    return package


def clang_print(flags):
    result = subprocess.run([CLANG, "--target=wasm32-wasi", *flags], capture_output=True, text=True)
    return result.stdout.strip()


def compile_module(module, temporary):
    if module.is_go():
        # offline and reproducible: the standard library's own programs need no module downloads,
        # -trimpath keeps this machine's paths out of the binary, the cache stays under target/
        cache = ROOT / "target" / "go-cache"
        env = {**os.environ, "GOOS": "wasip1", "GOARCH": "wasm", "GOCACHE": str(cache),
               "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "", "CGO_ENABLED": "0"}
        command = [find_go(), "build", "-trimpath", "-o", str(temporary), module.go_package]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=temporary.parent)
        if result.returncode != 0:
            raise BuildError(f"{module.name}: {' '.join(command)}\n{result.stderr.rstrip()}")
        return
    if module.is_wat():
        command = [WAT2WASM, "--debug-names", str(module.sources[0]), "-o", str(temporary)]
    else:
        command = [CLANG, *CLANG_FLAGS, *read_build_flags(module), "-o", str(temporary),
                   *[str(p) for p in module.sources if p.suffix == ".c"]]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"{module.name}: {' '.join(command)}\n{result.stderr.rstrip()}")
    if result.stderr:
        sys.stderr.write(result.stderr)  # warnings


def read_build_flags(module):
    if module.build_config is None:
        return []
    config = read_json(module.build_config)
    flags = config.get("clang_flags", []) if isinstance(config, dict) else None
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise BuildError(f'{module.build_config}: expected {{"clang_flags": ["..."]}}')
    return flags


def read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BuildError(f"{path}: not valid UTF-8 JSON: {e}") from e


def uleb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_uleb128(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def custom_section(name, payload):
    """A custom section (id 0) as the WebAssembly binary format defines it."""
    encoded_name = name.encode("utf-8")
    content = uleb128(len(encoded_name)) + encoded_name + payload
    return b"\x00" + uleb128(len(content)) + content


def export_names(wasm):
    """Names in the export section (id 7); enough parsing to check the metadata against it."""
    offset, names = 8, []
    while offset < len(wasm):
        section_id = wasm[offset]
        size, offset = read_uleb128(wasm, offset + 1)
        end = offset + size
        if section_id == 7:
            count, offset = read_uleb128(wasm, offset)
            for _ in range(count):
                length, offset = read_uleb128(wasm, offset)
                names.append(wasm[offset:offset + length].decode("utf-8"))
                offset += length + 1  # the export kind byte
                _, offset = read_uleb128(wasm, offset)  # the index
        offset = end
    return names


def metadata_payload(module, wasm):
    metadata = read_json(module.metadata)
    if not isinstance(metadata, dict):
        raise BuildError(f"{module.metadata}: must be a JSON object")
    functions = metadata.get("functions", {})
    unknown = sorted(set(functions) - set(export_names(wasm)))
    if unknown:
        raise BuildError(f"{module.metadata}: describes functions the module does not export: {', '.join(unknown)}")
    # compact: the section travels with every copy of the module
    return json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build(module):
    module.output.parent.mkdir(parents=True, exist_ok=True)
    # the linker records the output's file name as the module name: build under the final name
    # in a scratch folder, and rename last so a failed build never leaves a fresh-looking output
    with tempfile.TemporaryDirectory(dir=module.output.parent, prefix=".build-") as scratch:
        temporary = Path(scratch) / module.output.name
        compile_module(module, temporary)
        if module.metadata is not None:
            wasm = temporary.read_bytes()
            temporary.write_bytes(wasm + custom_section(METADATA_SECTION, metadata_payload(module, wasm)))
        os.replace(temporary, module.output)


def main(argv):
    parser = argparse.ArgumentParser(description="Compile example-programs/ into WASI modules.")
    parser.add_argument("--force", action="store_true", help="rebuild even up-to-date modules")
    parser.add_argument("--out", type=Path, default=ROOT / "target" / "example-programs",
                        help="output directory (default: target/example-programs)")
    options = parser.parse_args(argv)
    out_dir = options.out.resolve()

    try:
        modules = discover(out_dir)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    stale = [m for m in modules if options.force or not m.is_up_to_date()]
    missing = missing_tools(stale)
    if missing:
        print("cannot compile the example programs, missing:", file=sys.stderr)
        for tool in missing:
            print(f"  {tool}", file=sys.stderr)
        print(f"install them with: apt-get install {APT_PACKAGES}"
              + (f" {GO_PACKAGE}" if any(m.is_go() for m in stale) else ""), file=sys.stderr)
        return 1

    failed = 0
    for module in modules:
        shown = display(module.output)
        if module not in stale:
            print(f"up to date  {shown}")
            continue
        try:
            build(module)
            print(f"built       {shown} ({module.output.stat().st_size} bytes)")
        except BuildError as e:
            failed += 1
            print(f"FAILED      {shown}\n{e}", file=sys.stderr)
    return 1 if failed else 0


def display(path):
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
