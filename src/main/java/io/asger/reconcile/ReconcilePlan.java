package io.asger.reconcile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One sweep: what each task listed, what the sweep made of each item (live, ghost, skipped and why), the ghosts to
 * send down the chain (one per instance id, whichever tasks know it), and what was enqueued. Its {@link #report()}
 * is the sweep's last log line and the one-shot command's output.
 */
public final class ReconcilePlan {

    /** What became of one item. */
    public enum Verdict { LIVE, GHOST, SKIPPED }

    /** One item and its verdict; {@code reason} says why (the state EC2 gave, or why it was skipped). */
    public record Entry(InventoryItem item, Verdict verdict, String reason) {
    }

    /** One instance to send down the chain, and the items that named it. */
    public record Ghost(String instanceId, String region, String account, String group, String reason,
            List<InventoryItem> foundBy) {
        /** {@code chef web-1, route53 web-1.asg.internal.}, for the plan and the event. */
        public List<String> sources() {
            return foundBy.stream().map(i -> i.task() + " " + i.name()).toList();
        }
    }

    private final List<String> tasks = new ArrayList<>();
    private final List<InventoryItem> items = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<Ghost> ghosts = new ArrayList<>();
    private final Map<String, String> enqueued = new LinkedHashMap<>();
    private int maxDeletions;
    private boolean stopped;
    private boolean dryRun;

    ReconcilePlan() {
    }

    void listed(String task, List<InventoryItem> found) {
        tasks.add(task);
        items.addAll(found);
    }

    List<InventoryItem> items() {
        return items;
    }

    void decide(InventoryItem item, Verdict verdict, String reason) {
        entries.add(new Entry(item, verdict, reason));
    }

    void ghost(Ghost ghost) {
        ghosts.add(ghost);
    }

    void guard(int max) {
        this.maxDeletions = max;
        this.stopped = ghosts.size() > max;
    }

    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public boolean isDryRun() {
        return dryRun;
    }

    /** The ghost instance ids exceed asger.reconcile.max-deletions: nothing may be enqueued. */
    public boolean isStopped() {
        return stopped;
    }

    public int getMaxDeletions() {
        return maxDeletions;
    }

    public List<Ghost> getGhosts() {
        return Collections.unmodifiableList(ghosts);
    }

    public int getGhostCount() {
        return ghosts.size();
    }

    /** The ghosts to enqueue: none when the guard stopped the sweep or it is a dry run. */
    public List<Ghost> getToEnqueue() {
        return stopped || dryRun ? List.of() : getGhosts();
    }

    /** Records the SQS message id a ghost's DOWN event got. */
    public synchronized void enqueued(Ghost ghost, String messageId) {
        enqueued.put(ghost.instanceId(), messageId);
    }

    /** SQS message id by instance id, for every ghost enqueued. */
    public synchronized Map<String, String> getEnqueued() {
        return new LinkedHashMap<>(enqueued);
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Up to 5 ghost instance ids, for the guard's error line. */
    public String getSample() {
        return ghosts.stream().limit(5).map(g -> g.instanceId() + " (" + String.join(", ", g.sources()) + ")")
                .collect(Collectors.joining("; ")) + (ghosts.size() > 5 ? "; ..." : "");
    }

    /** Every ghost by task, name and instance id: what a dry run prints. */
    public String getPlan() {
        if (ghosts.isEmpty()) {
            return "reconcile plan: no ghosts";
        }
        StringBuilder s = new StringBuilder("reconcile plan: " + ghosts.size() + " ghost instance(s) to send down the chain");
        for (Entry e : entries) {
            if (e.verdict() == Verdict.GHOST) {
                s.append("\n  ").append(e.item().task()).append(' ').append(e.item().name()).append(' ')
                        .append(e.item().instanceId()).append(" (").append(e.reason()).append(')');
            }
        }
        return s.toString();
    }

    /** Per task: listed / live / ghosts / enqueued / skipped, and the reasons for skipping. */
    public String report() {
        StringBuilder s = new StringBuilder("reconcile report" + (dryRun ? " (dry run)" : "")
                + (stopped ? " (stopped by asger.reconcile.max-deletions)" : "") + ":");
        Map<String, String> sent = getEnqueued();
        if (tasks.isEmpty()) {
            s.append("\n  no task in asger.tasks lists an inventory (direct:NAME-inventory): nothing to judge");
        }
        for (String task : tasks) {
            List<Entry> mine = entries.stream().filter(e -> e.item().task().equals(task)).toList();
            long live = mine.stream().filter(e -> e.verdict() == Verdict.LIVE).count();
            long ghost = mine.stream().filter(e -> e.verdict() == Verdict.GHOST).count();
            long queued = mine.stream().filter(e -> e.verdict() == Verdict.GHOST && sent.containsKey(e.item().instanceId())).count();
            Map<String, List<String>> skipped = new TreeMap<>(mine.stream().filter(e -> e.verdict() == Verdict.SKIPPED)
                    .collect(Collectors.groupingBy(Entry::reason,
                            Collectors.mapping(e -> e.item().name(), Collectors.toList()))));
            long skippedCount = skipped.values().stream().mapToLong(List::size).sum();
            s.append("\n  ").append(task).append(": listed ").append(mine.size()).append(", live ").append(live)
                    .append(", ghosts ").append(ghost).append(", enqueued ").append(queued)
                    .append(", skipped ").append(skippedCount);
            skipped.forEach((reason, names) -> s.append("\n    skipped ").append(names.size()).append(", ")
                    .append(reason).append(": ").append(String.join(", ", names.stream().limit(10).toList()))
                    .append(names.size() > 10 ? ", ..." : ""));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
