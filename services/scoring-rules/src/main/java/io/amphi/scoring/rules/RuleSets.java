package io.amphi.scoring.rules;

import java.util.List;
import java.util.Optional;

/** Every rule set the platform knows, by version; scores name the version they were given under. */
public final class RuleSets {

    public static final ScoringRules DEFAULT = EdnRules.FULL_CREDIT;
    private static final List<ScoringRules> ALL = List.of(EdnRules.FULL_CREDIT, EdnRules.REMOVED);

    private RuleSets() {}

    public static Optional<ScoringRules> byVersion(String version) {
        return ALL.stream().filter(rules -> rules.version().equals(version)).findFirst();
    }

    public static List<String> versions() {
        return ALL.stream().map(ScoringRules::version).toList();
    }
}
