package io.asger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesAreMeasuredValues() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i; // unsorted: 100 .. 1
        }
        assertThat(Stats.percentile(hundred, 50)).isEqualTo(50);
        assertThat(Stats.percentile(hundred, 99)).isEqualTo(99);
        assertThat(Stats.percentile(hundred, 100)).isEqualTo(100);
        assertThat(Stats.percentile(hundred, 1)).isEqualTo(1);
    }

    @Test
    void p99OfFewValuesIsTheirMaximumAndOneValueIsEveryPercentile() {
        assertThat(Stats.percentile(new double[] {3, 1, 2}, 99)).isEqualTo(3);
        assertThat(Stats.percentile(new double[] {3, 1, 2}, 50)).isEqualTo(2);
        assertThat(Stats.percentile(new double[] {7}, 50)).isEqualTo(7);
        assertThat(Stats.percentile(new double[] {7}, 99)).isEqualTo(7);
        // 200 values: p99 is the 198th smallest, not the maximum
        double[] twoHundred = new double[200];
        for (int i = 0; i < 200; i++) {
            twoHundred[i] = i + 1;
        }
        assertThat(Stats.percentile(twoHundred, 99)).isEqualTo(198);
    }

    @Test
    void refusesNoValuesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Stats.percentile(new double[] {1}, 0)).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> Stats.percentile(new double[] {1}, 101)).hasMessageContaining("(0, 100]");
    }

    @Test
    void spreadIsMedianThenMinAndMax() {
        assertThat(Stats.spread(List.of(3.0, 1.0, 2.0), "%.1f")).isEqualTo("2.0 (1.0–3.0)");
        assertThat(Stats.spread(List.of(5.0), "%.0f")).isEqualTo("5");
        assertThat(Stats.spread(List.of(), "%.0f")).isEqualTo("-");
    }
}
