package io.amphi.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Expand, then contract (DATABASE.md): during a rolling upgrade the release before runs on the new
 * schema, so a migration made after the layout of one schema per service only adds. One that
 * drops, renames, retypes or tightens something says so on its first line ("-- CONTRACT: ...",
 * naming the release since which nothing uses the old shape) and ships after that release.
 */
class MigrationRulesTest {

    /** The version each schema's history starts from in a database upgraded from the layout before. */
    private static final Map<String, String> BASELINES =
            Map.of("event-store", "1.0", "delivery", "2.6", "scoring", "4.0", "auth", "3.4");

    private static final Pattern BREAKING = Pattern.compile(
            "\\b(DROP\\s+(TABLE|COLUMN|VIEW|INDEX|SCHEMA|CONSTRAINT)|RENAME\\b|ALTER\\s+COLUMN\\s+\\S+\\s+(TYPE|SET\\s+NOT\\s+NULL)"
                    + "|TRUNCATE\\b|DELETE\\s+FROM)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VERSION = Pattern.compile("V(\\d+)_(\\d+)__.*\\.sql");

    @Test
    void migrationsAfterTheLayoutOnlyAddUnlessTheySayTheyContract() throws IOException {
        List<String> breaking = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, String> schema : BASELINES.entrySet()) {
            for (Resource migration : new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:db/" + schema.getKey() + "/V*.sql")) {
                Matcher version = VERSION.matcher(migration.getFilename());
                assertThat(version.matches()).as(migration.getFilename()).isTrue();
                if (compare(version.group(1) + "." + version.group(2), schema.getValue()) <= 0) {
                    continue;
                }
                checked++;
                String sql = migration.getContentAsString(StandardCharsets.UTF_8);
                String code = sql.lines()
                        .filter(line -> !line.strip().startsWith("--"))
                        .reduce("", (a, b) -> a + "\n" + b);
                Matcher found = BREAKING.matcher(code);
                if (found.find() && !sql.strip().toUpperCase(Locale.ROOT).startsWith("-- CONTRACT:")) {
                    breaking.add(schema.getKey() + "/" + migration.getFilename() + ": " + found.group());
                }
            }
        }
        assertThat(checked).as("migrations made after the layout").isPositive();
        assertThat(breaking)
                .as("migrations that break the release before without saying so")
                .isEmpty();
    }

    private static int compare(String version, String other) {
        String[] a = version.split("\\.");
        String[] b = other.split("\\.");
        int major = Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0]));
        return major != 0 ? major : Integer.compare(Integer.parseInt(a[1]), Integer.parseInt(b[1]));
    }
}
