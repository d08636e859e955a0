using System.Runtime;

namespace WebhookFunctions.Benchmarks.Infrastructure;

/// <summary>
/// What the process still holds once a full, compacting collection has run: the managed heap and the working set.
/// The peak working set counts everything ever touched (a migration at start, seeding buffers); this counts what
/// the running server keeps, which is what must not grow with the data.
/// </summary>
internal static class RetainedMemory
{
    public static (double ManagedHeapMiB, double WorkingSetMiB) Measure()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, Environment.WorkingSet / 1048576.0);
    }
}
