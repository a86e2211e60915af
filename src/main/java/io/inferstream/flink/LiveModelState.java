package io.inferstream.flink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Where a live model keeps which model each subtask serves and which updates it was still
 * loading: union operator state, so that every subtask sees every entry and a rescaled job
 * picks its own (or, when it is new, the lowest subtask's).
 *
 * <p>The entries are typed ({@link LiveModelEntry}) under the name {@value #NAME}. Savepoints
 * taken before held tab-joined strings under {@value #LEGACY_NAME}; a restore reads those when
 * the typed state is empty and then clears them, so they are carried no further. A savepoint
 * taken by this version does not restore into the older one with its model: that version would
 * find no entries and start from the configured model.
 */
final class LiveModelState {
    static final String NAME = "live-model-entries";
    static final String LEGACY_NAME = "live-model";

    private final ListState<LiveModelEntry> entries;
    private final ListState<String> legacy;

    private LiveModelState(ListState<LiveModelEntry> entries, ListState<String> legacy) {
        this.entries = entries;
        this.legacy = legacy;
    }

    /** Registers the state with the operator's store. */
    static LiveModelState register(OperatorStateStore store) throws Exception {
        ListState<LiveModelEntry> entries =
                store.getUnionListState(new ListStateDescriptor<>(NAME, Types.POJO(LiveModelEntry.class)));
        // Only a restored store holds the legacy state; registering it elsewhere would write an
        // empty copy into every checkpoint.
        ListState<String> legacy = store.getRegisteredStateNames().contains(LEGACY_NAME)
                ? store.getUnionListState(new ListStateDescriptor<>(LEGACY_NAME, Types.STRING))
                : null;
        return new LiveModelState(entries, legacy);
    }

    /** This subtask's restored entries, the model in use first; empty when nothing was restored. */
    List<LiveModelEntry> restore(int subtask) throws Exception {
        List<LiveModelEntry> all = new ArrayList<>();
        entries.get().forEach(all::add);
        if (legacy != null) {
            if (all.isEmpty()) {
                for (String line : legacy.get()) {
                    all.add(LiveModelEntry.fromLegacyLine(line));
                }
            }
            legacy.clear();
        }
        return LiveModelEntry.chooseFor(subtask, all);
    }

    /** Replaces this subtask's entries: the model in use first, then the updates still loading. */
    void write(List<LiveModelEntry> mine) throws Exception {
        entries.update(mine);
    }
}
