// files: works on a directory the request preopens, as a program built elsewhere would.
//   files upper DIR        reads DIR/in.txt, writes it upper-cased to DIR/out.txt, deletes
//                          DIR/gone.txt, makes DIR/made/, prints what it did
//   files churn DIR MIB    writes MIB MiB to DIR/churn.bin in 64 KiB blocks, reads them back,
//                          checks every byte, deletes the file; exit 1 with errno's name if it cannot
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "files: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

static int upper(const char *dir) {
  char in[512], out[512], gone[512], made[512];
  snprintf(in, sizeof in, "%s/in.txt", dir);
  snprintf(out, sizeof out, "%s/out.txt", dir);
  snprintf(gone, sizeof gone, "%s/gone.txt", dir);
  snprintf(made, sizeof made, "%s/made", dir);
  FILE *r = fopen(in, "r");
  if (!r) return fail("open", in);
  FILE *w = fopen(out, "w");
  if (!w) return fail("create", out);
  long n = 0;
  for (int c; (c = fgetc(r)) != EOF; n++) fputc(toupper(c), w);
  fclose(r);
  if (fclose(w) != 0) return fail("write", out);
  if (unlink(gone) != 0 && errno != ENOENT) return fail("unlink", gone);
  if (mkdir(made, 0755) != 0) return fail("mkdir", made);
  printf("upper: %ld bytes from %s to %s\n", n, in, out);
  return 0;
}

static int churn(const char *dir, long mib) {
  static unsigned char block[64 * 1024], back[64 * 1024];
  char path[512];
  snprintf(path, sizeof path, "%s/churn.bin", dir);
  FILE *w = fopen(path, "w");
  if (!w) return fail("create", path);
  long blocks = mib * 16;
  for (long i = 0; i < blocks; i++) {
    memset(block, (int) (i & 0xff), sizeof block);
    if (fwrite(block, 1, sizeof block, w) != sizeof block) return fail("write", path);
  }
  if (fclose(w) != 0) return fail("write", path);
  FILE *r = fopen(path, "r");
  if (!r) return fail("open", path);
  unsigned long sum = 0;
  for (long i = 0; i < blocks; i++) {
    if (fread(back, 1, sizeof back, r) != sizeof back) return fail("read", path);
    memset(block, (int) (i & 0xff), sizeof block);
    if (memcmp(back, block, sizeof back) != 0) { /* every byte, as written */
      fprintf(stderr, "files: block %ld read back wrong\n", i);
      return 1;
    }
    sum += back[0];
  }
  fclose(r);
  if (unlink(path) != 0) return fail("unlink", path);
  printf("churn: %ld MiB written and read back, sum %lu\n", mib, sum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "upper") == 0) return upper(argv[2]);
  if (argc == 4 && strcmp(argv[1], "churn") == 0) return churn(argv[2], atol(argv[3]));
  fprintf(stderr, "usage: files upper DIR | files churn DIR MIB\n");
  return 2;
}
