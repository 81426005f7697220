/* log: the one logging API of sprout-init. Lines go to /dev/kmsg as "sprout: ..."
 * (with the syslog level), falling back to the console when /dev/kmsg cannot be
 * opened. LOG_DEBUG lines are written only with rd.debug. */
#ifndef SPROUT_LOG_H
#define SPROUT_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

void log_open(void);             /* opens /dev/kmsg (again); safe to call twice */
void log_set_debug(bool on);
void log_set_quiet(bool on);     /* with quiet, INFO lines go to kmsg only, not the console */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
