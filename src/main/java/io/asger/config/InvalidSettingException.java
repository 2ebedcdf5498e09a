package io.asger.config;

/** A setting that is missing or wrong: stops start-up with a message naming the setting and where to set it. */
public class InvalidSettingException extends IllegalArgumentException {
    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super(setting + ": " + problem + " (set it in application.properties, as -D" + setting + "=..., or as "
                + Settings.envName(setting) + ")");
        this.setting = setting;
    }

    private InvalidSettingException(String variable, String message, boolean environmentOnly) {
        super(message);
        this.setting = variable;
    }

    /** A setting that only the environment gives (AWS_REGION, read by the AWS SDK): named as such. */
    public static InvalidSettingException forVariable(String variable, String problem) {
        return new InvalidSettingException(variable, variable + ": " + problem, true);
    }

    public String getSetting() {
        return setting;
    }
}
