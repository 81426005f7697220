/* devd: `sprout-init --devices`, the device daemon of a root without udev. */
#ifndef SPROUT_DEVD_H
#define SPROUT_DEVD_H

/* Is this invocation the device daemon (argv[1] is "--devices")? */
int devd_wanted(int argc, char **argv);

/* Runs the daemon: loads drivers for new devices by modalias from /lib/modules/$(uname
 * -r) and applies /etc/sprout/devices.conf to every device node, at start (for what came
 * since handover) and for each kernel uevent, until SIGTERM or SIGINT (exit 0).
 * --background: forks, the parent returns at once. --rules FILE: another rules file.
 * Returns the exit code. */
int devd_main(int argc, char **argv);

#endif
