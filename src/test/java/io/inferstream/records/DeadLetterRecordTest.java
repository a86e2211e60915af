package io.inferstream.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadLetterRecordTest {

    @Test
    void shouldCarryATruncatedCopyWithTheLengthAndHashOfTheWhole() throws Exception {
        byte[] value = new byte[5000];
        new Random(1).nextBytes(value);
        KafkaInput input = new KafkaInput("images", 1, 7, 42, new byte[] {1, 2, 3}, value);

        DeadLetterRecord d = DeadLetterRecord.of("job", input, "KEY_TOO_LARGE", "no", 16, 1000);

        assertThat(d.value).isEqualTo(Arrays.copyOf(value, 1000));
        assertThat(d.valueLength).isEqualTo(5000);
        assertThat(d.valueSha256)
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(value)))
                .hasSize(64);
        assertThat(d.key).as("a key within the bound is whole").containsExactly(1, 2, 3);
        assertThat(d.keyLength).isNull();
        assertThat(d.keySha256).isNull();
    }

    @Test
    void shouldKeepCopiesWithinTheBoundsWhole() {
        byte[] value = new byte[1000];
        KafkaInput input = new KafkaInput("ticks", 0, 1, 2, new byte[16], value);

        DeadLetterRecord d = DeadLetterRecord.of("job", input, "KEY_TOO_LARGE", "no", 16, 1000);

        assertThat(d.value).isSameAs(value);
        assertThat(d.valueLength).isNull();
        assertThat(d.valueSha256).isNull();
        assertThat(d.keyLength).isNull();
    }

    @Test
    void shouldTruncateAKeyOverItsBound() {
        byte[] key = new byte[600 * 1024];
        Arrays.fill(key, (byte) 'k');
        KafkaInput input = new KafkaInput("ticks", 0, 1, 2, key, new byte[] {'{', '}'});

        DeadLetterRecord d = DeadLetterRecord.of("job", input, "KEY_TOO_LARGE", "key too large", 1024, 1000);

        assertThat(d.key).hasSize(1024);
        assertThat(d.keyLength).isEqualTo(key.length);
        assertThat(d.keySha256).isEqualTo(DeadLetterRecord.sha256(key));
        assertThat(d.value).containsExactly('{', '}');
    }

    @Test
    void shouldCutALongErrorWithoutSplittingASurrogatePair() {
        String smiles = "\uD83D\uDE00".repeat(3000);
        KafkaInput input = new KafkaInput("ticks", 0, 1, 2, null, new byte[1]);

        DeadLetterRecord d = DeadLetterRecord.of("job", input, "KEY_TOO_LARGE", "x" + smiles, 16, 16);

        assertThat(d.error)
                .hasSizeLessThanOrEqualTo(DeadLetterRecord.MAX_ERROR_CHARS)
                .endsWith("(6001 chars in all)");
        String kept = d.error.substring(0, d.error.indexOf("..."));
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }
}
