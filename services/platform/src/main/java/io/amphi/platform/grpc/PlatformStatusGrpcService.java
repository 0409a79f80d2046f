package io.amphi.platform.grpc;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.amphi.proto.platform.v1.GetStatusRequest;
import io.amphi.proto.platform.v1.PlatformStatus;
import io.amphi.proto.platform.v1.PlatformStatusServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reports this replica's cluster membership and database reachability to operators. */
public class PlatformStatusGrpcService extends PlatformStatusServiceGrpc.PlatformStatusServiceImplBase {

    private final String serviceName;
    private final HazelcastInstance hazelcast;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PlatformStatusGrpcService(String serviceName, HazelcastInstance hazelcast, JdbcTemplate jdbc, Clock clock) {
        this.serviceName = serviceName;
        this.hazelcast = hazelcast;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<PlatformStatus> response) {
        Member self = hazelcast.getCluster().getLocalMember();
        PlatformStatus.Builder status = PlatformStatus.newBuilder()
                .setService(serviceName)
                .setClusterName(hazelcast.getConfig().getClusterName())
                .setClusterMembers(hazelcast.getCluster().getMembers().size())
                .addMemberAddresses(address(self))
                .setDatabaseReachable(databaseReachable());
        hazelcast.getCluster().getMembers().stream().filter(m -> !m.localMember())
                .forEach(m -> status.addMemberAddresses(address(m)));
        status.setServerTime(Protos.timestamp(clock.instant()));
        Protos.reply(response, status.build());
    }

    private boolean databaseReachable() {
        try {
            return Integer.valueOf(1).equals(jdbc.queryForObject("SELECT 1", Integer.class));
        } catch (DataAccessException e) {
            return false;
        }
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }
}
