package io.amphi.scoring.rules;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How short free-text answers and accepted answers are compared: accents removed, ligatures
 * spread (œ → oe, æ → ae), lower case, apostrophes made straight, runs of spaces made one,
 * leading and trailing spaces dropped. "  Héparine   non fractionnée " equals "heparine non fractionnee".
 */
public final class TextNormalisation {

    private TextNormalisation() {}

    public static String normalise(String text) {
        String spread = text.replace("œ", "oe")
                .replace("Œ", "OE")
                .replace("æ", "ae")
                .replace("Æ", "AE")
                .replace('’', '\'')
                .replace('ʼ', '\'');
        String withoutAccents =
                Normalizer.normalize(spread, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return withoutAccents.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }
}
