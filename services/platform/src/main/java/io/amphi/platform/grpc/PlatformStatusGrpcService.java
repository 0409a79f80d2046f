package io.amphi.platform.grpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Set;

/**
 * Reports how this replica is doing. Anyone may ask whether it serves; how its cluster and its
 * database are doing is for platform operators (the Kubernetes operator, monitoring) and auditors
 * only. Every answer comes from what the replica already knows (the database probe's last answer),
 * so the call never waits on the database.
 */
public class PlatformStatusGrpcService extends PlatformStatusServiceGrpc.PlatformStatusServiceImplBase {

    private static final Set<Caller.Role> MAY_SEE_DETAILS = Set.of(Caller.Role.PLATFORM_OPERATOR, Caller.Role.AUDITOR);

    private final String serviceName;
    private final HazelcastInstance hazelcast;
    private final DatabaseProbe database;
    private final Readiness readiness;
    private final Clock clock;

    public PlatformStatusGrpcService(
            String serviceName, HazelcastInstance hazelcast, DatabaseProbe database, Readiness readiness, Clock clock) {
        this.serviceName = serviceName;
        this.hazelcast = hazelcast;
        this.database = database;
        this.readiness = readiness;
        this.clock = clock;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<PlatformStatus> response) {
        PlatformStatus.Builder status =
                PlatformStatus.newBuilder().setService(serviceName).setServing(readiness.ready());
        Caller caller = Caller.CONTEXT_KEY.get();
        if (caller != null && MAY_SEE_DETAILS.contains(caller.role())) {
            Member self = hazelcast.getCluster().getLocalMember();
            status.setClusterName(hazelcast.getConfig().getClusterName())
                    .setClusterMembers(hazelcast.getCluster().getMembers().size())
                    .addMemberAddresses(address(self))
                    .setDatabaseReachable(database.reachable())
                    .setServerTime(Protos.timestamp(clock.instant()));
            hazelcast.getCluster().getMembers().stream()
                    .filter(m -> !m.localMember())
                    .forEach(m -> status.addMemberAddresses(address(m)));
            readiness.unmet().forEach((condition, why) -> status.addNotReady(condition + ": " + why));
        }
        Protos.reply(response, status.build());
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }
}
