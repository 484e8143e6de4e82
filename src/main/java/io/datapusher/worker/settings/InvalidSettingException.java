package io.datapusher.worker.settings;

/** A setting whose value the worker cannot use: the message names the field and what it accepts. */
public class InvalidSettingException extends Exception {

    InvalidSettingException(String message) {
        super(message);
    }

    static InvalidSettingException of(ResourceField field, String value) {
        return new InvalidSettingException("the resource field " + field.field() + " is \"" + value
                + "\", which the worker cannot use; accepted: " + field.accepted());
    }
}
