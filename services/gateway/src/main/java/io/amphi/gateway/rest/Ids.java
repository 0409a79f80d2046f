package io.amphi.gateway.rest;

/** The shape of the platform's ids, checked at the gateway before any call. */
final class Ids {

    /** 1 to 64 letters, digits, '.', '_' or '-', as every service expects. */
    static final String PATTERN = "[A-Za-z0-9._-]{1,64}";
    /** A session id: "<exam id>:<candidate id>". */
    static final String SESSION = "[A-Za-z0-9._-]{1,64}:[A-Za-z0-9._-]{1,64}";

    private Ids() {}
}
