package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class KernelTwinsTest {
    @Test
    void doubleKernelsAreGeneratedFromTheFloatSources() throws IOException {
        for (String[] pair : KernelTwins.PAIRS) {
            String expected = KernelTwins.twin(Files.readString(KernelTwins.DIR.resolve(pair[0])), pair[0]);
            assertThat(Files.readString(KernelTwins.DIR.resolve(pair[1])))
                    .as("%s is out of date: run KernelTwins.main from core/ after editing %s", pair[1], pair[0])
                    .isEqualTo(expected);
        }
    }
}
