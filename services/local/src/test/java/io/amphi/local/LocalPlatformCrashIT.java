package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.audit.AuditCli;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.CandidateEnrolment;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.EnrolCandidatesRequest;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SaveAnswerResponse;
import io.amphi.proto.delivery.v1.SaveOutcome;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.StartSessionResponse;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local platform, in a JVM of its own, is killed with SIGKILL while a candidate saves, and
 * started again on the same folder: it starts (the PostgreSQL servers the killed JVM left behind are
 * found and stopped, and the log says so) and every acknowledged answer is there.
 */
class LocalPlatformCrashIT {

    private static final Duration START_WAIT = Duration.ofMinutes(3);

    @TempDir
    Path data;

    private final List<Process> children = new ArrayList<>();

    /** A platform in a child JVM and what it printed. */
    private record Child(
            Process process,
            List<String> output,
            int authPort,
            int deliveryPort,
            Map<String, String> codes,
            String eventStore,
            Map.Entry<String, String> university) {}

    @Test
    void startsAgainAfterAKillAndKeepsEveryAcknowledgedAnswer() throws Exception {
        String cluster = "crash-it-" + UUID.randomUUID();
        Child first = start(cluster);
        String candidate = first.codes().keySet().iterator().next();
        Map<String, String> acknowledged = new HashMap<>();
        String session;
        try (Calls calls = new Calls(first, candidate)) {
            session = calls.delivery()
                    .startSession(StartSessionRequest.newBuilder()
                            .setExamId("demo-cardiology")
                            .build())
                    .getSession()
                    .getSessionId();
            List<String> options = List.of("A", "B", "C", "D", "E");
            for (int i = 1; i <= 10; i++) {
                String option = options.get(i % options.size());
                calls.delivery()
                        .saveAnswer(SaveAnswerRequest.newBuilder()
                                .setSessionId(session)
                                .setQuestionId("q1")
                                .setSaveNumber(i)
                                .setAnswer(Answer.newBuilder()
                                        .setChoices(ChoiceAnswer.newBuilder().addOptionIds(option)))
                                .build());
                acknowledged.put("q1", option);
            }
        }
        List<Long> orphans = postmasterPids();
        first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(orphans)
                .as("both embedded servers outlive the killed JVM")
                .hasSize(2)
                .allMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        Child second = start(cluster);
        assertThat(second.output())
                .as("the start says what it found and did")
                .anyMatch(line -> line.contains("Found PostgreSQL (pid") && line.contains("Stopping it"));
        assertThat(orphans)
                .allMatch(pid ->
                        !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        try (Calls calls = new Calls(second, candidate)) {
            List<SavedAnswer> stored = calls.delivery()
                    .resumeSession(ResumeSessionRequest.newBuilder()
                            .setSessionId(session)
                            .build())
                    .getAnswersList();
            Map<String, String> found = new HashMap<>();
            stored.forEach(answer -> found.put(
                    answer.getQuestionId(), answer.getAnswer().getChoices().getOptionIds(0)));
            assertThat(found).isEqualTo(acknowledged);
            assertThat(stored).extracting(SavedAnswer::getSaveNumber).containsExactly(10L);
        }
        second.process().destroy();
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS))
                .as("stops on SIGTERM")
                .isTrue();
        assertThat(postmasterPids()).as("a clean stop leaves no server behind").isEmpty();
    }

    /**
     * Forty candidates save as fast as a client may (a group commit holds several of them per
     * transaction) when the JVM is killed: each acknowledged save is in the log once after the
     * restart, no save is in it twice, every hash chain verifies, and the sessions go on saving.
     */
    @Test
    void aKillDuringGroupCommitsLosesNoAcknowledgedSaveOfAnySession() throws Exception {
        String cluster = "crash-batch-it-" + UUID.randomUUID();
        Child first = start(cluster);
        Map<String, String> codes = enrolCandidates(first, 40);
        List<Saver> savers = new ArrayList<>();
        ExecutorService candidates = Executors.newFixedThreadPool(codes.size());
        try {
            for (Future<Saver> started : candidates.invokeAll(codes.entrySet().stream()
                    .map(code -> (Callable<Saver>) () -> new Saver(first, code.getKey(), code.getValue()))
                    .toList())) {
                savers.add(started.get());
            }
            CountDownLatch killed = new CountDownLatch(1);
            List<Future<?>> saving = new ArrayList<>();
            for (Saver saver : savers) {
                saving.add(candidates.submit(() -> saver.saveUntil(killed)));
            }
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (savers.stream().mapToInt(saver -> saver.acknowledged.size()).sum() < 600
                    && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            killed.countDown();
            for (Future<?> saver : saving) {
                saver.get(60, TimeUnit.SECONDS);
            }
        } finally {
            candidates.shutdownNow();
            savers.forEach(Saver::close);
        }
        long acknowledgedInAll =
                savers.stream().mapToLong(saver -> saver.acknowledged.size()).sum();
        long unanswered = savers.stream().mapToLong(saver -> saver.unanswered).sum();
        assertThat(acknowledgedInAll).as("saves acknowledged before the kill").isGreaterThanOrEqualTo(600);
        assertThat(unanswered).as("saves in flight when the JVM died").isPositive();

        Child second = start(cluster);
        Map<String, List<Long>> stored = storedSaveNumbers(second.eventStore());
        System.out.printf(
                "Killed with %d saves acknowledged and %d unanswered over %d sessions; %d saves stored after the restart%n",
                acknowledgedInAll,
                unanswered,
                savers.size(),
                stored.values().stream().mapToLong(List::size).sum());
        for (Saver saver : savers) {
            List<Long> ofSession = stored.getOrDefault(saver.session, List.of());
            assertThat(ofSession)
                    .as("session %s: every acknowledged save stored, none twice", saver.session)
                    .containsAll(saver.acknowledged)
                    .doesNotHaveDuplicates();
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int verdict = AuditCli.run(
                new PrintStream(report, true, StandardCharsets.UTF_8),
                System.err,
                false,
                "verify",
                "--db",
                second.eventStore(),
                "--exam",
                "demo-cardiology",
                "--password",
                "");
        assertThat(verdict)
                .as("./audit verify after the kill:%n%s", report.toString(StandardCharsets.UTF_8))
                .isZero();
        Saver after = savers.getFirst();
        try (Calls calls = new Calls(second, after.candidate, after.code)) {
            long next = stored.getOrDefault(after.session, List.of()).stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElse(0)
                    + 1;
            assertThat(calls.delivery()
                            .saveAnswer(Saver.save(after.session, next))
                            .getOutcome())
                    .as("the session saves on after the restart")
                    .isEqualTo(SaveOutcome.SAVE_OUTCOME_APPLIED);
        }
        second.process().destroy();
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS))
                .as("stops on SIGTERM")
                .isTrue();
    }

    /** Enrols candidates in the demo exam and has codes issued, as the university would: their codes. */
    private static Map<String, String> enrolCandidates(Child child, int count) {
        ManagedChannel auth = NettyChannelBuilder.forAddress("127.0.0.1", child.authPort())
                .usePlaintext()
                .build();
        ManagedChannel delivery = NettyChannelBuilder.forAddress("127.0.0.1", child.deliveryPort())
                .usePlaintext()
                .build();
        try {
            String university = AuthServiceGrpc.newBlockingStub(auth)
                    .authenticateClient(AuthenticateClientRequest.newBuilder()
                            .setClientId(child.university().getKey())
                            .setClientSecret(child.university().getValue())
                            .build())
                    .getAccessToken();
            EnrolCandidatesRequest.Builder enrolment =
                    EnrolCandidatesRequest.newBuilder().setExamId("demo-cardiology");
            IssueCandidateCredentialsRequest.Builder credentials =
                    IssueCandidateCredentialsRequest.newBuilder().setExamId("demo-cardiology");
            for (int i = 1; i <= count; i++) {
                String candidate = "crash-%03d".formatted(i);
                enrolment.addCandidates(CandidateEnrolment.newBuilder().setCandidateId(candidate));
                credentials.addCandidates(CandidateCredential.newBuilder().setCandidateNumber(candidate));
            }
            DeliveryServiceGrpc.newBlockingStub(delivery)
                    .withInterceptors(bearer(university))
                    .enrolCandidates(enrolment.build());
            Map<String, String> codes = new HashMap<>();
            AuthServiceGrpc.newBlockingStub(auth)
                    .withInterceptors(bearer(university))
                    .issueCandidateCredentials(credentials.build())
                    .getCredentialsList()
                    .forEach(issued -> codes.put(issued.getCandidateNumber(), issued.getAccessCode()));
            return codes;
        } finally {
            auth.shutdownNow();
            delivery.shutdownNow();
        }
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Each session's save numbers in the log, read as the auditor. */
    private static Map<String, List<Long>> storedSaveNumbers(String eventStore) throws SQLException {
        Map<String, List<Long>> stored = new HashMap<>();
        try (Connection auditor = DriverManager.getConnection(eventStore);
                ResultSet rows = auditor.createStatement()
                        .executeQuery("SELECT aggregate_identifier,"
                                + " (convert_from(payload, 'UTF8')::jsonb ->> 'saveNumber')::bigint"
                                + " FROM event_store.domain_event_entry WHERE payload_type LIKE '%AnswerSaved'")) {
            while (rows.next()) {
                stored.computeIfAbsent(rows.getString(1), session -> new ArrayList<>())
                        .add(rows.getLong(2));
            }
        }
        return stored;
    }

    /** One candidate saving on its own session; what was acknowledged is its client's log. */
    private static final class Saver implements AutoCloseable {
        /** The demo exam's choice questions. */
        private static final List<String> QUESTIONS = List.of("q1", "q2");

        private static final List<String> OPTIONS = List.of("A", "B", "C", "D", "E");

        final String candidate;
        final String code;
        final String session;
        final List<Long> acknowledged = new CopyOnWriteArrayList<>();
        long unanswered;
        private final Calls calls;

        Saver(Child child, String candidate, String code) throws InterruptedException {
            this.candidate = candidate;
            this.code = code;
            this.calls = new Calls(child, candidate, code);
            StartSessionResponse started = calls.delivery()
                    .startSession(StartSessionRequest.newBuilder()
                            .setExamId("demo-cardiology")
                            .build());
            while (!started.hasSession()) {
                Thread.sleep(Math.clamp(started.getQueue().getEstimatedWait().getSeconds() * 500, 50, 1_000));
                started = calls.delivery()
                        .startSession(StartSessionRequest.newBuilder()
                                .setExamId("demo-cardiology")
                                .build());
            }
            this.session = started.getSession().getSessionId();
        }

        static SaveAnswerRequest save(String session, long number) {
            return SaveAnswerRequest.newBuilder()
                    .setSessionId(session)
                    .setQuestionId(QUESTIONS.get((int) (number % QUESTIONS.size())))
                    .setSaveNumber(number)
                    .setAnswer(Answer.newBuilder()
                            .setChoices(ChoiceAnswer.newBuilder()
                                    .addOptionIds(OPTIONS.get((int) (number % OPTIONS.size())))))
                    .build();
        }

        /**
         * Saves one after the other (a person's page sends the next when the last is answered),
         * at most the 60 a session may send at once, until the platform is gone.
         */
        void saveUntil(CountDownLatch killed) {
            for (long number = 1; number <= 60; number++) {
                try {
                    SaveAnswerResponse answer = calls.delivery().saveAnswer(save(session, number));
                    if (answer.getOutcome() == SaveOutcome.SAVE_OUTCOME_APPLIED) {
                        acknowledged.add(number);
                    }
                } catch (StatusRuntimeException e) {
                    if (killed.getCount() == 0 || e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                        unanswered++;
                        return;
                    }
                    throw e;
                }
            }
        }

        @Override
        public void close() {
            calls.close();
        }
    }

    /** Signs the candidate in and calls delivery on the child's ports. */
    private static final class Calls implements AutoCloseable {
        final ManagedChannel authChannel;
        final ManagedChannel deliveryChannel;
        private final DeliveryServiceBlockingStub delivery;

        Calls(Child child, String candidate) {
            this(child, candidate, child.codes().get(candidate));
        }

        Calls(Child child, String candidate, String code) {
            authChannel = NettyChannelBuilder.forAddress("127.0.0.1", child.authPort())
                    .usePlaintext()
                    .build();
            deliveryChannel = NettyChannelBuilder.forAddress("127.0.0.1", child.deliveryPort())
                    .usePlaintext()
                    .build();
            String token = AuthServiceGrpc.newBlockingStub(authChannel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .loginCandidate(LoginCandidateRequest.newBuilder()
                            .setExamId("demo-cardiology")
                            .setCandidateNumber(candidate)
                            .setAccessCode(code)
                            .build())
                    .getAccessToken();
            delivery = DeliveryServiceGrpc.newBlockingStub(deliveryChannel).withInterceptors(bearer(token));
        }

        /** Delivery, under a deadline counted from this call. */
        DeliveryServiceBlockingStub delivery() {
            return delivery.withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            authChannel.shutdownNow();
            deliveryChannel.shutdownNow();
        }
    }

    private Child start(String cluster) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx768m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalPlatformChild.class.getName(),
                        data.toString(),
                        cluster)
                .redirectErrorStream(true)
                .start();
        children.add(process);
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("The platform stopped before it was ready:\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()))));
        });
        String[] words = ready.get(START_WAIT.toSeconds(), TimeUnit.SECONDS).split(" ");
        Map<String, String> codes = new HashMap<>();
        for (int i = 3; i < words.length; i++) {
            String[] numberAndCode = words[i].split("=", 2);
            codes.put(numberAndCode[0], numberAndCode[1]);
        }
        String eventStore = lineAfter(output, "EVENT-STORE ");
        String[] university = lineAfter(output, "UNIVERSITY ").split(" ");
        return new Child(
                process,
                output,
                Integer.parseInt(words[1].substring("auth=".length())),
                Integer.parseInt(words[2].substring("delivery=".length())),
                codes,
                eventStore,
                Map.entry(university[0], university[1]));
    }

    private static String lineAfter(List<String> output, String prefix) {
        return output.stream()
                .filter(line -> line.startsWith(prefix))
                .reduce((earlier, later) -> later)
                .orElseThrow(() -> new IllegalStateException("The platform printed no line starting " + prefix))
                .substring(prefix.length());
    }

    /** The process ids of the embedded servers running on the test's folder. */
    private List<Long> postmasterPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path pidFile : files.filter(p -> p.getFileName().toString().equals("postmaster.pid"))
                    .toList()) {
                Optional<String> first = Files.readAllLines(pidFile).stream().findFirst();
                first.map(String::strip)
                        .map(Long::parseLong)
                        .filter(pid -> ProcessHandle.of(pid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .ifPresent(pids::add);
            }
        }
        return pids;
    }

    @AfterEach
    void stopEverything() throws IOException {
        children.forEach(Process::destroyForcibly);
        for (long pid : postmasterPids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }
}
