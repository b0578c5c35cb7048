// Force-included (-include) by robustness.SweepCountsCrashes: the test-only
// check testonly-fault-injection of loadcheck_crashtest dereferences null
// when it meets this function, so the sweep must count one crash per mode.
inline void loadcheck_test_crash_segv() {}
