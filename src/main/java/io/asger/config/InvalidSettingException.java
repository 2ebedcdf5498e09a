package io.asger.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings that are missing or wrong: stops start-up (exit code 78) with one line per setting, each naming the
 * setting and where to set it. {@link Settings} gathers every problem of a start-up into one of these.
 */
public class InvalidSettingException extends IllegalArgumentException {

    /** One bad setting: its name and what is wrong with it. */
    public record Problem(String setting, String problem) {
        /** {@code asger.x: problem (set it in application.properties, as -Dasger.x=..., or as ASGER_X)}. */
        public String line() {
            if (setting.equals(setting.toUpperCase(java.util.Locale.ROOT))) {
                // An environment variable only (AWS_REGION, read by the AWS SDK): no other place to set it.
                return setting + ": " + problem;
            }
            return setting + ": " + problem + " (set it in application.properties, as -D" + setting + "=..., or as "
                    + Settings.envName(setting) + ")";
        }
    }

    private final List<Problem> problems;

    public InvalidSettingException(String setting, String problem) {
        this(List.of(new Problem(setting, problem)));
    }

    /** A setting that only the environment gives (AWS_REGION, read by the AWS SDK): named as such. */
    public static InvalidSettingException forVariable(String variable, String problem) {
        return new InvalidSettingException(List.of(new Problem(variable, problem)));
    }

    public InvalidSettingException(List<Problem> problems) {
        super(problems.stream().map(Problem::line).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** The first bad setting. */
    public String getSetting() {
        return problems.get(0).setting();
    }

    public List<Problem> getProblems() {
        return problems;
    }

    /** One line per bad setting. */
    public List<String> lines() {
        return problems.stream().map(Problem::line).toList();
    }
}
