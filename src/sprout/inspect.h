/* inspect: `sprout cat`, `sprout ls`, `sprout info` and `sprout diff`: looking into
 * images without unpacking them. Each takes its command's argv (argv[0] the command's
 * name) and returns the exit status: 0, 1 failed (diff: the images differ), 2 usage. */
#ifndef SPROUT_INSPECT_H
#define SPROUT_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

int inspect_cat(int argc, char **argv);
int inspect_ls(int argc, char **argv);
int inspect_info(int argc, char **argv);
int inspect_diff(int argc, char **argv);

#endif
