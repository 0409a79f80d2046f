package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.delivery.v1.Answer;
import io.amphi.proto.delivery.v1.ChoiceAnswer;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SaveAnswerRequest;
import io.amphi.proto.delivery.v1.SavedAnswer;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
            Process process, List<String> output, int authPort, int deliveryPort, Map<String, String> codes) {}

    @Test
    void startsAgainAfterAKillAndKeepsEveryAcknowledgedAnswer() throws Exception {
        String cluster = "crash-it-" + UUID.randomUUID();
        Child first = start(cluster);
        String candidate = first.codes().keySet().iterator().next();
        Map<String, String> acknowledged = new HashMap<>();
        String session;
        try (Calls calls = new Calls(first, candidate)) {
            session = calls.delivery
                    .startSession(StartSessionRequest.newBuilder()
                            .setExamId("demo-cardiology")
                            .build())
                    .getSession()
                    .getSessionId();
            List<String> options = List.of("A", "B", "C", "D", "E");
            for (int i = 1; i <= 10; i++) {
                String option = options.get(i % options.size());
                calls.delivery.saveAnswer(SaveAnswerRequest.newBuilder()
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
            List<SavedAnswer> stored = calls.delivery
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

    /** Signs the candidate in and calls delivery on the child's ports. */
    private static final class Calls implements AutoCloseable {
        final ManagedChannel authChannel;
        final ManagedChannel deliveryChannel;
        final DeliveryServiceBlockingStub delivery;

        Calls(Child child, String candidate) {
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
                            .setAccessCode(child.codes().get(candidate))
                            .build())
                    .getAccessToken();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            delivery = DeliveryServiceGrpc.newBlockingStub(deliveryChannel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
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
        return new Child(
                process,
                output,
                Integer.parseInt(words[1].substring("auth=".length())),
                Integer.parseInt(words[2].substring("delivery=".length())),
                codes);
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
