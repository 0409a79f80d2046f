package io.amphi.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server on a folder of its own, for local runs and tests, kept alive the way a
 * supervisor would: started on one port for the process's whole life, watched every second and
 * started again on the same folder and port when it dies (the connection pool then reconnects by
 * itself), and never blocked by a server an earlier run left behind.
 *
 * <p>The server runs as its own process and outlives a JVM killed with SIGKILL. Whoever runs
 * Amphi on a folder holds a lock on it ({@value #LOCK_FILE}) for as long as it lives; the lock
 * dies with the JVM. So at start, a PostgreSQL running on the folder while nobody holds the lock
 * is an orphan of a killed run: it is stopped cleanly and a fresh one started. If a live process
 * holds the lock, another Amphi is running there and the start stops at once, saying so.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The lock the embedded server library takes in the data folder, held by the JVM that runs it. */
    static final String LOCK_FILE = "epg-lock";

    static final String PID_FILE = "postmaster.pid";
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    private static final int RESTART_ATTEMPTS = 10;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDirectory;
    private final int port;
    private final List<String[]> serverConfig;
    private final ScheduledExecutorService watchdog;
    private final List<Runnable> deathListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile EmbeddedPostgres running;
    private volatile boolean closed;

    private EmbeddedPostgresServer(Path dataDirectory, int port, List<String[]> serverConfig) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.serverConfig = serverConfig;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("embedded-postgres-watchdog").daemon().factory());
    }

    /**
     * Starts a server on the folder (creating it if needed) with these settings ({@code name, value}
     * pairs), after stopping an orphan left there by a killed run.
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, List<String[]> serverConfig) {
        Path folder = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded PostgreSQL's folder " + folder, e);
        }
        stopOrphan(folder);
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(folder, freePort(), serverConfig);
        server.running = server.launch();
        server.watchdog.scheduleWithFixedDelay(
                server::watch, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Embedded PostgreSQL on port {} with data in {}", server.port, folder);
        return server;
    }

    /**
     * The JDBC URL of a database of this server, naming no user: whoever connects says as whom,
     * and a URL handed to another service or tool never makes it connect as someone else.
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** Runs {@code listener} each time the server is found dead, before it is started again. */
    public void onDeath(Runnable listener) {
        deathListeners.add(listener);
    }

    /** The process id of the running server, if it is running. */
    public Optional<Long> pid() {
        return postmasterPid(dataDirectory).filter(EmbeddedPostgresServer::alive);
    }

    private EmbeddedPostgres launch() {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                // The server is stopped by close(), after everything that uses it; its own JVM hook
                // would stop it at the same time as the application.
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setPort(port);
        serverConfig.forEach(setting -> builder.setServerConfig(setting[0], setting[1]));
        try {
            return builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Starts the server again if it died; runs every second. */
    private void watch() {
        if (closed || pid().isPresent()) {
            return;
        }
        log.warn(
                "The embedded PostgreSQL on {} is not running any more; starting it again on port {}",
                dataDirectory,
                port);
        deathListeners.forEach(Runnable::run);
        try {
            running.close();
        } catch (IOException | RuntimeException e) {
            log.debug("Releasing the dead server: {}", e.toString());
        }
        for (int attempt = 1; attempt <= RESTART_ATTEMPTS && !closed; attempt++) {
            try {
                running = launch();
                log.info("The embedded PostgreSQL is running again on port {} (pid {})", port, pid().orElse(-1L));
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "Starting the embedded PostgreSQL again failed (attempt {} of {}): {}",
                        attempt,
                        RESTART_ATTEMPTS,
                        e.getMessage());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Stops a PostgreSQL left running on the folder by a run that was killed, after checking that no
     * live process owns the folder.
     */
    static void stopOrphan(Path folder) {
        Path pidFile = folder.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel lockChannel =
                FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw anotherOwner(folder);
            }
            try {
                stopUnowned(folder, pidFile);
            } finally {
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            throw anotherOwner(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check who uses " + folder, e);
        }
    }

    private static IllegalStateException anotherOwner(Path folder) {
        return new IllegalStateException(("Another Amphi is running on %s: its process holds %s%s. Stop it first, or "
                        + "give this one another folder (amphi.embedded-postgres.data-directory).")
                .formatted(
                        folder,
                        folder.resolve(LOCK_FILE),
                        postmasterPid(folder)
                                .filter(EmbeddedPostgresServer::alive)
                                .map(pid -> " and its PostgreSQL runs as pid " + pid)
                                .orElse("")));
    }

    private static void stopUnowned(Path folder, Path pidFile) throws IOException {
        Optional<Long> pid = postmasterPid(folder);
        Optional<ProcessHandle> process = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            log.info(
                    "{} names pid {}, which no longer runs: PostgreSQL recovers from the crash at start",
                    pidFile,
                    pid.map(String::valueOf).orElse("(unreadable)"));
            return;
        }
        if (!isPostgresOf(process.get(), folder)) {
            if (process.get()
                    .info()
                    .command()
                    .map(command -> command.contains("postgres"))
                    .orElse(true)) {
                throw new IllegalStateException(("%s names pid %d, a PostgreSQL whose folder cannot be confirmed: "
                                + "stop it by hand if it is this folder's, then start again.")
                        .formatted(pidFile, pid.get()));
            }
            log.warn(
                    "{} names pid {}, now another program ({}): the file is stale and is removed",
                    pidFile,
                    pid.get(),
                    process.get().info().command().orElse("unknown"));
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn(
                "Found PostgreSQL (pid {}) still running on {} although no Amphi owns that folder: the run that "
                        + "started it was killed before it could stop it. Stopping it (fast shutdown) before starting afresh.",
                pid.get(),
                folder);
        long started = System.nanoTime();
        ProcessHandle orphan = process.get();
        fastShutdown(orphan);
        if (!waitForExit(orphan, ORPHAN_STOP_WAIT)) {
            log.warn(
                    "PostgreSQL (pid {}) did not stop within {} s; killing it and its processes (it recovers from its "
                            + "log at the next start)",
                    pid.get(),
                    ORPHAN_STOP_WAIT.toSeconds());
            List<ProcessHandle> children = orphan.descendants().toList();
            orphan.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            children.forEach(child -> waitForExit(child, ORPHAN_STOP_WAIT));
            if (!waitForExit(orphan, ORPHAN_STOP_WAIT)) {
                throw new IllegalStateException("PostgreSQL (pid %d) left running on %s by an earlier run cannot be "
                                .formatted(pid.get(), folder)
                        + "stopped: stop it by hand, then start again.");
            }
        }
        log.warn(
                "The orphaned PostgreSQL (pid {}) stopped after {} ms; no data was lost (every commit is on disk)",
                pid.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Asks PostgreSQL for a fast shutdown (SIGINT: sessions end, work is flushed), which Java
     * cannot send itself; a smart one (SIGTERM) if {@code kill} cannot be run.
     */
    private static void fastShutdown(ProcessHandle postgres) {
        try {
            if (new ProcessBuilder("kill", "-INT", Long.toString(postgres.pid()))
                            .start()
                            .waitFor()
                    == 0) {
                return;
            }
        } catch (IOException e) {
            log.debug("kill -INT could not be run: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postgres.destroy();
    }

    /** Whether the process is a PostgreSQL server of this folder (not another program that got its pid). */
    private static boolean isPostgresOf(ProcessHandle process, Path folder) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command()
                .map(command -> command.endsWith("/postgres") || command.endsWith("/postmaster"))
                .orElse(false);
        boolean ofThisFolder = info.arguments()
                .map(arguments -> List.of(arguments).contains(folder.toString()))
                .orElse(false);
        return postgres && ofThisFolder;
    }

    private static boolean waitForExit(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    /** The first line of postmaster.pid: the server's process id. */
    static Optional<Long> postmasterPid(Path folder) {
        try {
            List<String> lines = Files.readAllLines(folder.resolve(PID_FILE));
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded PostgreSQL", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server, after the watchdog (which might be starting it again) has stopped. */
    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        try {
            if (!watchdog.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("The embedded PostgreSQL's watchdog did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            running.close();
        } catch (IOException e) {
            log.warn("Stopping the embedded PostgreSQL on {}: {}", dataDirectory, e.toString());
        }
    }
}
