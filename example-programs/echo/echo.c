/* echo: a service. A long-lived instance answers requests through `handle`; `calls` shows that
 * state survives between requests. The calling convention is described in README.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

static const char PREFIX[] = "echo: ";
static int32_t call_count;
static char *last_response;

/* the host asks for a buffer, writes the request into it and passes it to handle */
EXPORT("alloc") void *alloc(int32_t length) {
  return malloc(length > 0 ? (size_t)length : 1);
}

/* returns (response pointer << 32) | response length; the response stays valid until the next
 * call to handle, so the host never has to free guest memory */
EXPORT("handle") int64_t handle(char *request, int32_t length) {
  call_count++;
  free(last_response);
  size_t response_length = sizeof PREFIX - 1 + (size_t)length;
  last_response = malloc(response_length);
  if (last_response == NULL) {
    free(request);
    return 0; /* null pointer, empty response: out of memory */
  }
  memcpy(last_response, PREFIX, sizeof PREFIX - 1);
  memcpy(last_response + sizeof PREFIX - 1, request, (size_t)length);
  free(request); /* the request buffer came from alloc and is ours again */
  return (int64_t)(((uint64_t)(uintptr_t)last_response << 32) | (uint32_t)response_length);
}

EXPORT("calls") int32_t calls(void) { return call_count; }
