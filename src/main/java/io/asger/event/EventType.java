package io.asger.event;

/** What happened to an instance, as far as asger's task chains are concerned. */
public enum EventType {
    /** An instance launched (or is launching, held by a lifecycle hook): run the up chain. */
    UP,
    /** An instance terminated (or is terminating, held by a lifecycle hook): run the down chain. */
    DOWN,
    /** A launch failed: run the up-failed chain. */
    UP_FAILED,
    /** A termination failed: run the down-failed chain. */
    DOWN_FAILED,
    /** A test notification from Auto Scaling or a lifecycle hook: logged and acknowledged. */
    TEST,
    /** Understood but not for asger (unknown event, filtered group, SNS subscription message): logged, counted, acknowledged. */
    IGNORED
}
