package org.panopt.data;

/** Which part of a data set with a fixed train/test division: the training or the test images. */
public enum Split {
    TRAIN,
    TEST
}
