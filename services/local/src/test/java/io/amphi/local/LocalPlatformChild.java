package io.amphi.local;

import java.nio.file.Path;

/**
 * The local platform in a process of its own, for tests that kill it: started on a folder and a
 * cluster given as arguments, on free ports it prints, with the demo codes, once every service serves;
 * before them, the event store's address for the auditor and the university's service account.
 */
public final class LocalPlatformChild {

    private LocalPlatformChild() {}

    public static void main(String[] args) throws InterruptedException {
        LocalPlatform platform = LocalPlatform.start(Path.of(args[0]), new LocalPlatform.Ports(0, 0, 0, 0, 0), args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "child-shutdown"));
        System.out.println("EVENT-STORE " + platform.eventStore());
        platform.staff().stream()
                .filter(account -> account.account().role().equals("university"))
                .forEach(account ->
                        System.out.println("UNIVERSITY " + account.account().clientId() + " " + account.secret()));
        StringBuilder ready =
                new StringBuilder("READY auth=%d delivery=%d".formatted(platform.authPort(), platform.deliveryPort()));
        platform.candidates()
                .forEach(c -> ready.append(' ')
                        .append(c.candidateNumber())
                        .append('=')
                        .append(c.accessCode()));
        System.out.println(ready);
        System.out.flush();
        Thread.currentThread().join();
    }
}
