package io.inferstream.demo.rnn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The Mauna Loa weekly CO2 series (ppmv, 1958-2001) of {@code data/co2-mauna-loa/co2.csv}, one
 * value per week, with each missing week filled by linear interpolation between the measured
 * weeks around it and marked as filled, so that fitting and scoring can leave it out.
 *
 * @param dates the Saturday of each week
 * @param values every week's value, filled weeks interpolated
 * @param measured whether each week's value was measured (false where it was filled)
 */
public record Co2Weekly(List<LocalDate> dates, double[] values, boolean[] measured) {

    /** The committed file, relative to the repository root. */
    public static final Path DEFAULT_CSV = Path.of("data/co2-mauna-loa/co2.csv");

    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

    /** Reads the file: header {@code date,co2}, then {@code YYYYMMDD,ppmv} (value empty if missing). */
    public static Co2Weekly load(Path csv) throws IOException {
        return parse(Files.readAllLines(csv, StandardCharsets.UTF_8), csv.toString());
    }

    static Co2Weekly parse(List<String> lines, String source) {
        if (lines.isEmpty() || !lines.get(0).trim().equals("date,co2")) {
            throw new IllegalArgumentException(
                    source + ": first line '" + (lines.isEmpty() ? "" : lines.get(0)) + "'; expected 'date,co2'");
        }
        List<LocalDate> dates = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != 2) {
                throw new IllegalArgumentException(
                        source + " line " + (i + 1) + ": '" + line + "'; expected YYYYMMDD,value");
            }
            LocalDate date = LocalDate.parse(fields[0], DATE);
            if (!dates.isEmpty() && ChronoUnit.DAYS.between(dates.get(dates.size() - 1), date) != 7) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + date + " follows "
                        + dates.get(dates.size() - 1) + "; expected one row every 7 days");
            }
            dates.add(date);
            raw.add(fields[1].isEmpty() ? Double.NaN : Double.parseDouble(fields[1]));
        }
        double[] values = new double[raw.size()];
        boolean[] measured = new boolean[raw.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = raw.get(i);
            measured[i] = !Double.isNaN(values[i]);
        }
        fillGaps(values, measured, source);
        return new Co2Weekly(List.copyOf(dates), values, measured);
    }

    /** Linear interpolation in time across each run of missing weeks; a series must start and end measured. */
    static void fillGaps(double[] values, boolean[] measured, String source) {
        int last = -1;
        for (int i = 0; i < values.length; i++) {
            if (!measured[i]) {
                continue;
            }
            if (last >= 0 && i - last > 1) {
                for (int j = last + 1; j < i; j++) {
                    double weight = (double) (j - last) / (i - last);
                    values[j] = values[last] + weight * (values[i] - values[last]);
                }
            } else if (last < 0 && i > 0) {
                throw new IllegalArgumentException(
                        source + ": the first " + i + " weeks have no value; expected the series to start measured");
            }
            last = i;
        }
        if (last != values.length - 1) {
            throw new IllegalArgumentException(source + ": the last " + (values.length - 1 - last)
                    + " weeks have no value; expected the series to end measured");
        }
    }

    public int weeks() {
        return values.length;
    }

    /** How many weeks were filled. */
    public int filled() {
        int count = 0;
        for (boolean m : measured) {
            count += m ? 0 : 1;
        }
        return count;
    }

    /** The longest run of consecutive filled weeks. */
    public int longestGap() {
        int longest = 0;
        int run = 0;
        for (boolean m : measured) {
            run = m ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
