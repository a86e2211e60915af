package io.inferstream.image;

import io.inferstream.input.RejectReason;
import io.inferstream.input.RejectedInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (anything {@code javax.imageio} reads: PNG, JPEG, BMP, GIF) with a
 * pixel limit checked from the header before any pixel is decoded, so a decompression bomb is
 * refused without allocating its raster.
 */
public final class ImageDecoder {

    static {
        // ImageIO otherwise buffers streams in temp files under java.io.tmpdir.
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels = " + maxPixels + ": expected > 0");
        }
        this.maxPixels = maxPixels;
    }

    /** Decodes the first image in the bytes, or rejects it with a reason and a readable error. */
    public BufferedImage decode(byte[] bytes) throws RejectedInputException {
        if (bytes == null || bytes.length == 0) {
            throw new RejectedInputException(RejectReason.EMPTY_VALUE, "the value is empty");
        }
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new RejectedInputException(
                        RejectReason.UNDECODABLE_IMAGE,
                        "not an image format the job reads (PNG, JPEG, BMP, GIF); first bytes: " + leadingHex(bytes));
            }
            ImageReader reader = readers.next();
            try {
                return read(reader, stream);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new RejectedInputException(
                    RejectReason.UNDECODABLE_IMAGE, "cannot read the image: " + e.getMessage(), e);
        }
    }

    private BufferedImage read(ImageReader reader, ImageInputStream stream) throws RejectedInputException {
        String format = formatName(reader);
        try {
            reader.setInput(stream, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            long pixels = (long) width * height;
            if (width <= 0 || height <= 0) {
                throw new RejectedInputException(
                        RejectReason.UNDECODABLE_IMAGE,
                        format + " header declares " + width + "x" + height + "; expected a positive size");
            }
            if (pixels > maxPixels) {
                throw new RejectedInputException(
                        RejectReason.IMAGE_TOO_LARGE,
                        format + " image is " + width + "x" + height + " = " + pixels
                                + " pixels; the limit (limits.max-pixels) is " + maxPixels);
            }
            // Truncated JPEGs decode to a partly grey picture with only a warning: treat warnings as damage.
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new RejectedInputException(
                        RejectReason.UNDECODABLE_IMAGE, format + " image is damaged: " + String.join("; ", warnings));
            }
            return image;
        } catch (IOException | RuntimeException e) {
            throw new RejectedInputException(
                    RejectReason.UNDECODABLE_IMAGE, "cannot decode " + format + " image: " + e, e);
        }
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    static String leadingHex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02X ", bytes[i] & 0xff));
        }
        return hex.toString().trim();
    }
}
