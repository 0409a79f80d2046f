package io.amphi.scoring.domain;

/** Whether an exam has been closed and sealed; answer keys come only after that. */
public interface ExamClosures {

    boolean isSealed(String examId);
}
