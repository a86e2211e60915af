package io.inferstream.inference;

/** Memory order of an image batch tensor: channels first (NCHW) or channels last (NHWC). */
public enum TensorLayout {
    NCHW,
    NHWC;

    /** Parses "NCHW" or "NHWC" in any case, naming the setting in the error. */
    public static TensorLayout parse(String value, String settingName) {
        for (TensorLayout layout : values()) {
            if (layout.name().equalsIgnoreCase(value.trim())) {
                return layout;
            }
        }
        throw new IllegalArgumentException(settingName + " = '" + value + "': expected NCHW or NHWC");
    }
}
