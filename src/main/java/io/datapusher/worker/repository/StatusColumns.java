package io.datapusher.worker.repository;

import io.datapusher.worker.CallbackState;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * How the job's enums are spelt in the jobs table: the same ids as in JSON ({@code metadata_pending},
 * {@code update-metadata}), never the Java constant names, so that the table reads like the API
 * and a renamed constant cannot silently change stored rows.
 */
public final class StatusColumns {

    private StatusColumns() {
    }

    @Converter(autoApply = true)
    public static final class JobStatusColumn implements AttributeConverter<JobStatus, String> {
        @Override
        public String convertToDatabaseColumn(JobStatus status) {
            return status == null ? null : status.id();
        }

        @Override
        public JobStatus convertToEntityAttribute(String id) {
            return id == null ? null : JobStatus.fromId(id);
        }
    }

    @Converter(autoApply = true)
    public static final class StepIdColumn implements AttributeConverter<StepId, String> {
        @Override
        public String convertToDatabaseColumn(StepId step) {
            return step == null ? null : step.id();
        }

        @Override
        public StepId convertToEntityAttribute(String id) {
            return id == null ? null : StepId.fromId(id);
        }
    }

    @Converter(autoApply = true)
    public static final class CallbackStateColumn implements AttributeConverter<CallbackState, String> {
        @Override
        public String convertToDatabaseColumn(CallbackState state) {
            return state == null ? null : state.id();
        }

        @Override
        public CallbackState convertToEntityAttribute(String id) {
            return CallbackState.fromId(id);
        }
    }

    @Converter(autoApply = true)
    public static final class JobKindColumn implements AttributeConverter<JobKind, String> {
        @Override
        public String convertToDatabaseColumn(JobKind kind) {
            return kind == null ? null : kind.id();
        }

        @Override
        public JobKind convertToEntityAttribute(String id) {
            return id == null ? null : JobKind.fromId(id);
        }
    }
}
