package dev.tollgate.core;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The process's one timer thread for short deadline actions (a silent stream's watchdog, a stuck upstream write):
 * each pending deadline costs a queue entry, not a thread. Daemon, so it never keeps the process alive; started on
 * first use, so a process that never needs it never starts it.
 */
public final class DaemonTimer {

    private DaemonTimer() {
    }

    public static ScheduledThreadPoolExecutor get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "tollgate-timer");
                thread.setDaemon(true);
                return thread;
            });
            // A cancelled deadline leaves the queue at once instead of holding what it refers to until it was due.
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
