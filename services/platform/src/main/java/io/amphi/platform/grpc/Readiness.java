package io.amphi.platform.grpc;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether this replica can serve now: a set of conditions (its database answers, it holds the
 * current revocations, it has the signing keys), each reported by the component that knows. The
 * gRPC health service says SERVING only while every condition holds, so a load balancer or
 * Kubernetes routes away from a replica that would only fail; liveness does not depend on it.
 */
public final class Readiness {

    private final Map<String, String> unmet = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** A condition that does not hold yet, and why; until {@link #met} is called for it the replica is not ready. */
    public void notMet(String condition, String why) {
        if (!why.equals(unmet.put(condition, why))) {
            listeners.forEach(Runnable::run);
        }
    }

    public void met(String condition) {
        if (unmet.remove(condition) != null) {
            listeners.forEach(Runnable::run);
        }
    }

    public boolean ready() {
        return unmet.isEmpty();
    }

    /** Each condition that does not hold, and why, by name. */
    public Map<String, String> unmet() {
        return new TreeMap<>(unmet);
    }

    /** Called after every change. */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
