package dev.vipd.daemon.control;

/**
 * What one control command does, given to the {@link ControlServer} by the wiring.
 *
 * <p>Runs on the control thread, one command at a time: it must return promptly (start a drain, do
 * not wait for it to finish). The returned text is a single JSON value, e.g. {@code
 * {"draining":true}}; it becomes the {@code result} of the reply. A thrown exception becomes an
 * error reply with its message.
 */
@FunctionalInterface
public interface ControlHandler {
  String handle() throws Exception;
}
