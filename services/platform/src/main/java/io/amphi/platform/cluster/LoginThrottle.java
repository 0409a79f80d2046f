package io.amphi.platform.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.amphi.platform.cluster.RateLimiter.RateLimitExceeded;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Paces failed sign-ins without letting anyone keep a candidate out, with the state in the
 * Hazelcast cluster so every replica sees the same counts.
 *
 * <ul>
 *   <li><b>Per account and source</b> (a candidate number tried from one address): 3 failures lock
 *   that pair for 5 s, 5 for a minute. A classmate's wrong guesses lock the classmate's address out
 *   of that account, not the candidate's own; behind one shared address (a lecture hall), a
 *   proctor clears them ({@link #clear}) and the lock lasts a minute at most after the last try.</li>
 *   <li><b>Per account</b>, from anywhere: after 10 failures, attempts from the addresses that
 *   failed on the account are spaced 1 s apart (each waits for its turn, at most 5 s, else is told
 *   when to come back). Guessing is slowed to a crawl; an address that never failed on the account
 *   (the candidate's own) is not held up by the guessers.</li>
 *   <li><b>Per source</b>: when an address fails about 100 times a minute (a count that fades with a
 *   one-minute time constant), attempts from it are spaced 100 ms apart. A lecture hall shares one
 *   public address and, behind the gateway, every request arrives from the gateway: a source is
 *   slowed down, never locked out (2022's mock exam was stopped by a protection that took 8,000
 *   candidates for an attack). An IPv6 source counts as its /64, which one client owns whole.</li>
 * </ul>
 * A proctor clears an account's failures ({@link #clear}); a success clears the account's failures
 * from that source. Counts are kept 15 minutes after the last failure. They live in the cluster
 * only: a full restart forgets them, which gives a guesser a handful of tries against a 60-bit code.
 */
public class LoginThrottle {

    /** The pacing rules. */
    public record Rules(
            int pairSlowAfter,
            Duration pairSlowLock,
            int pairLockAfter,
            Duration pairLock,
            int accountPaceAfter,
            Duration accountPace,
            int sourcePaceAfter,
            Duration sourcePace,
            Duration longestWait,
            Duration memory)
            implements Serializable {

        public static Rules defaults() {
            return new Rules(
                    3,
                    Duration.ofSeconds(5),
                    5,
                    Duration.ofMinutes(1),
                    10,
                    Duration.ofSeconds(1),
                    100,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(15));
        }
    }

    static final String MAP = "amphi-login-failures";
    /** An account remembers the failures of this many sources at most; a flood from more is paced per account anyway. */
    static final int SOURCES_PER_ACCOUNT = 64;
    /** How fast a source's count of failures fades: a failure weighs 1/e after this long. */
    private static final double SOURCE_FADE_MILLIS = 60_000;

    private final IMap<String, Serializable> failures;
    private final Clock clock;
    private final Rules rules;

    public LoginThrottle(HazelcastInstance hazelcast, Clock clock, Rules rules) {
        this.failures = hazelcast.getMap(MAP);
        this.clock = clock;
        this.rules = rules;
    }

    /**
     * Admits one attempt on {@code account} (an {@code Identifiers.identity}) from {@code source}:
     * how long it must wait for its turn (zero when nothing is paced). RESOURCE_EXHAUSTED with a
     * retry-after while the pair is locked, or when the turn is further away than the longest wait.
     */
    public Duration admit(String account, String source) {
        long now = clock.millis();
        long sourceWait = failures.executeOnKey(sourceKey(source), new AdmitSource(now, rules));
        if (sourceWait > rules.longestWait().toMillis()) {
            throw busy("your address", sourceWait);
        }
        long accountWait = failures.executeOnKey(accountKey(account), new Admit(source, now, rules));
        if (accountWait < 0) {
            long locked = -accountWait;
            throw new RateLimitExceeded(
                    "SIGN_IN_LOCKED",
                    ("Too many failed sign-ins for this candidate from your address: "
                                    + "try again in %d s, or ask a proctor to clear them.")
                            .formatted(seconds(locked)),
                    Duration.ofMillis(locked));
        }
        if (accountWait > rules.longestWait().toMillis()) {
            throw busy("this candidate", accountWait);
        }
        return Duration.ofMillis(Math.max(accountWait, sourceWait));
    }

    private static RateLimitExceeded busy(String what, long waitMillis) {
        return new RateLimitExceeded(
                "SIGN_IN_BUSY",
                ("Sign-ins for %s are being spaced out after many failures: " + "try again in %d s.")
                        .formatted(what, seconds(waitMillis)),
                Duration.ofMillis(waitMillis));
    }

    public void failed(String account, String source) {
        long now = clock.millis();
        failures.executeOnKey(
                accountKey(account),
                new AccountFailed(source, now, rules.memory().toMillis()));
        failures.executeOnKey(
                sourceKey(source), new SourceFailed(now, rules.memory().toMillis()));
    }

    /** The right code: this source's failures on the account are forgotten, and the account's pacing ends. */
    public void succeeded(String account, String source) {
        failures.executeOnKey(accountKey(account), new AccountSucceeded(source));
    }

    /** Forgets every failure of the account, from every source; whether there were any. */
    public boolean clear(String account) {
        return failures.remove(accountKey(account)) != null;
    }

    private static String accountKey(String account) {
        return "failures/" + account;
    }

    /** An IPv4 address, or the /64 of an IPv6 one (as {@code InetAddress} writes it: eight groups). */
    static String sourceKey(String source) {
        String[] groups = source.split(":");
        return "source/"
                + (groups.length == 8 ? String.join(":", java.util.Arrays.copyOf(groups, 4)) + "::/64" : source);
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    /** A number of failures and when the last one was. */
    record Count(int failures, long lastMillis) implements Serializable {
        Count plusOne(long nowMillis) {
            return new Count(failures + 1, nowMillis);
        }
    }

    /** An account's failures: in all, and per source; and the last turn given while paced. */
    static final class AccountFailures implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private Count total = new Count(0, 0);
        private final LinkedHashMap<String, Count> bySource = new LinkedHashMap<>();
        private long lastTurnMillis;
    }

    /**
     * A source's recent failures on every account, as a count that fades over time (about the
     * failures of the last minute), and the last turn given while paced.
     */
    record SourceFailures(double weight, long lastFailureMillis, long lastTurnMillis) implements Serializable {

        /** The count as it stands at {@code nowMillis}. */
        double weightAt(long nowMillis) {
            return weight * StrictMath.exp(-Math.max(0, nowMillis - lastFailureMillis) / SOURCE_FADE_MILLIS);
        }
    }

    /**
     * Negative: the pair is locked for that many milliseconds. Otherwise: the wait before this
     * attempt's turn (a turn is reserved only when the wait is acceptable).
     */
    record Admit(String source, long nowMillis, Rules rules) implements EntryProcessor<String, Serializable, Long> {
        @Override
        public Long process(Map.Entry<String, Serializable> entry) {
            if (!(entry.getValue() instanceof AccountFailures account)) {
                return 0L;
            }
            Count pair = account.bySource.get(source);
            if (pair != null && pair.failures() >= rules.pairSlowAfter()) {
                Duration lock = pair.failures() >= rules.pairLockAfter() ? rules.pairLock() : rules.pairSlowLock();
                long left = pair.lastMillis() + lock.toMillis() - nowMillis;
                if (left > 0) {
                    return -left;
                }
            }
            // Only sources that already failed on the account wait in its line: a source that never
            // did (the candidate, from their own seat) goes straight through, whoever else is guessing.
            if (pair == null || account.total.failures() < rules.accountPaceAfter()) {
                return 0L;
            }
            long turn = Math.max(
                    nowMillis, account.lastTurnMillis + rules.accountPace().toMillis());
            long wait = turn - nowMillis;
            if (wait <= rules.longestWait().toMillis()) {
                account.lastTurnMillis = turn;
                ((ExtendedMapEntry<String, Serializable>) entry).setValueWithoutChangingExpiryTime(account);
            }
            return wait;
        }
    }

    /** The wait before this attempt's turn from a paced source. */
    record AdmitSource(long nowMillis, Rules rules) implements EntryProcessor<String, Serializable, Long> {
        @Override
        public Long process(Map.Entry<String, Serializable> entry) {
            if (!(entry.getValue() instanceof SourceFailures source)
                    || source.weightAt(nowMillis) < rules.sourcePaceAfter()) {
                return 0L;
            }
            long turn = Math.max(
                    nowMillis, source.lastTurnMillis() + rules.sourcePace().toMillis());
            long wait = turn - nowMillis;
            if (wait <= rules.longestWait().toMillis()) {
                ((ExtendedMapEntry<String, Serializable>) entry)
                        .setValueWithoutChangingExpiryTime(
                                new SourceFailures(source.weight(), source.lastFailureMillis(), turn));
            }
            return wait;
        }
    }

    record AccountFailed(String source, long nowMillis, long memoryMillis)
            implements EntryProcessor<String, Serializable, Void> {
        @Override
        public Void process(Map.Entry<String, Serializable> entry) {
            AccountFailures account = entry.getValue() instanceof AccountFailures known ? known : new AccountFailures();
            account.total = account.total.plusOne(nowMillis);
            Count pair = account.bySource.remove(source);
            account.bySource.put(source, pair == null ? new Count(1, nowMillis) : pair.plusOne(nowMillis));
            while (account.bySource.size() > SOURCES_PER_ACCOUNT) {
                account.bySource.remove(account.bySource.keySet().iterator().next());
            }
            keep(entry, account, memoryMillis);
            return null;
        }
    }

    record SourceFailed(long nowMillis, long memoryMillis) implements EntryProcessor<String, Serializable, Void> {
        @Override
        public Void process(Map.Entry<String, Serializable> entry) {
            SourceFailures source = entry.getValue() instanceof SourceFailures known
                    ? new SourceFailures(known.weightAt(nowMillis) + 1, nowMillis, known.lastTurnMillis())
                    : new SourceFailures(1, nowMillis, 0);
            keep(entry, source, memoryMillis);
            return null;
        }
    }

    record AccountSucceeded(String source) implements EntryProcessor<String, Serializable, Void> {
        @Override
        public Void process(Map.Entry<String, Serializable> entry) {
            if (entry.getValue() instanceof AccountFailures account) {
                account.bySource.remove(source);
                if (account.bySource.isEmpty()) {
                    entry.setValue(null);
                } else {
                    account.total = new Count(0, account.total.lastMillis());
                    account.lastTurnMillis = 0;
                    ((ExtendedMapEntry<String, Serializable>) entry).setValueWithoutChangingExpiryTime(account);
                }
            }
            return null;
        }
    }

    /** Stores the entry, kept for the memory period after its last change. */
    private static void keep(Map.Entry<String, Serializable> entry, Serializable value, long memoryMillis) {
        ((ExtendedMapEntry<String, Serializable>) entry).setValue(value, memoryMillis, TimeUnit.MILLISECONDS);
    }
}
