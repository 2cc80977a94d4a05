/* kv: a stateful service (WASI reactor). Its table lives in linear memory, so it persists only
 * while the host keeps the instance: run as a library, every call starts empty; run as a
 * service, put/get/count see what earlier calls left. Keys and values are 64-bit integers
 * (numbers cross hosts without a byte-string convention). */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define CAPACITY 1024

static int64_t keys[CAPACITY];
static int64_t values[CAPACITY];
static int32_t used;
static int64_t calls;

static int32_t slot(int64_t key) {
  for (int32_t i = 0; i < used; i++) {
    if (keys[i] == key) return i;
  }
  return -1;
}

/* stores value under key; 1 when the key is new, 0 when replaced, -1 when the table is full */
EXPORT("put") int32_t put(int64_t key, int64_t value) {
  calls++;
  int32_t i = slot(key);
  if (i >= 0) {
    values[i] = value;
    return 0;
  }
  if (used == CAPACITY) return -1;
  keys[used] = key;
  values[used] = value;
  used++;
  return 1;
}

/* the value under key, or fallback when there is none */
EXPORT("get") int64_t get(int64_t key, int64_t fallback) {
  calls++;
  int32_t i = slot(key);
  return i >= 0 ? values[i] : fallback;
}

EXPORT("count") int32_t count(void) {
  calls++;
  return used;
}

/* calls served by this instance since it started: shows when an instance was restarted */
EXPORT("calls") int64_t served(void) { return calls; }

/* traps on purpose (division by zero), for tests of the restart after a trap */
EXPORT("crash") int32_t crash(int32_t divisor) { return 100 / divisor; }
