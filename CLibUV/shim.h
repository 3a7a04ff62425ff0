#include <uv.h>
#include <malloc.h>
#include <sys/prctl.h>

/* prctl(2) is variadic, which Swift cannot call: the AOF rewrite child asks
 * for a signal when the server that forked it dies through this fixed
 * signature (an orphaned child must not go on writing). */
static inline int swirl_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

#include <syslog.h>

/* syslog(3) is variadic too: a log line is passed as one "%s" argument. */
static inline void swirl_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}
