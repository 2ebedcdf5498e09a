package io.asger.config;

/** A setting that is missing or wrong: stops start-up with a message naming the setting and where to set it. */
public class InvalidSettingException extends IllegalArgumentException {
    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super(setting + ": " + problem + " (set it in application.properties, as -D" + setting + "=..., or as "
                + Settings.envName(setting) + ")");
        this.setting = setting;
    }

    public String getSetting() {
        return setting;
    }
}
