/* text: a service over byte strings (docs/SERVICES.md "Byte strings"). The host places each
 * bytes/string argument in a buffer from weverywhere_alloc and passes (ptr, len); a bytes/string
 * result is returned as (ptr << 32) | len and stays valid until the next call. The weverywhere.json
 * beside this file declares which parameters and results are strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

static char *last_result; /* freed when the next result is made: the host copies it out first */
static int32_t call_count;

/* the host asks for a buffer per argument; it is ours again once the call has it */
EXPORT("weverywhere_alloc") void *weverywhere_alloc(int32_t length) {
  return malloc(length > 0 ? (size_t)length : 1);
}

static int64_t packed(const char *pointer, size_t length) {
  return (int64_t)(((uint64_t)(uintptr_t)pointer << 32) | (uint32_t)length);
}

/* a buffer for the result, or NULL when the guest is out of memory */
static char *result(size_t length) {
  free(last_result);
  last_result = malloc(length > 0 ? length : 1);
  return last_result;
}

/* a followed by b */
EXPORT("concat") int64_t concat(char *a, int32_t a_length, char *b, int32_t b_length) {
  call_count++;
  char *out = result((size_t)a_length + (size_t)b_length);
  if (out != NULL) {
    memcpy(out, a, (size_t)a_length);
    memcpy(out + a_length, b, (size_t)b_length);
  }
  free(a);
  free(b);
  return out == NULL ? 0 : packed(out, (size_t)a_length + (size_t)b_length);
}

/* ASCII letters in upper case; every other byte (UTF-8 sequences too) as it is */
EXPORT("upper") int64_t upper(char *s, int32_t length) {
  call_count++;
  char *out = result((size_t)length);
  if (out != NULL) {
    for (int32_t i = 0; i < length; i++) {
      out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
    }
  }
  free(s);
  return out == NULL ? 0 : packed(out, (size_t)length);
}

/* characters (Unicode code points) in the string: bytes that do not continue a UTF-8 sequence */
EXPORT("length") int32_t length(char *s, int32_t bytes) {
  call_count++;
  int32_t count = 0;
  for (int32_t i = 0; i < bytes; i++) {
    if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
  }
  free(s);
  return count;
}

/* the bytes in reverse order */
EXPORT("reverse") int64_t reverse(char *data, int32_t length) {
  call_count++;
  char *out = result((size_t)length);
  if (out != NULL) {
    for (int32_t i = 0; i < length; i++) out[i] = data[length - 1 - i];
  }
  free(data);
  return out == NULL ? 0 : packed(out, (size_t)length);
}

/* calls served by this instance: shows that a kept instance keeps its state */
EXPORT("calls") int32_t calls(void) { return call_count; }
