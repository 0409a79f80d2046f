package io.amphi.delivery.api;

/** Who or what handed a session in. */
public enum SubmissionCause {
    /** The candidate submitted. */
    CANDIDATE,
    /** The deadline (and the grace for saves in flight) passed. */
    DEADLINE
}
