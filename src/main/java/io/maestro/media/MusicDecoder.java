package io.maestro.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes the first seconds of media.musicPath in-process (avformat + avcodec) and resamples them (swresample) to
 * the reel's planar stereo float at 44.1 kHz, whatever the file's format, rate and channels. Everything it opens
 * is closed before it returns.
 */
final class MusicDecoder {
  private MusicDecoder() {}

  /** At most {@code maxSamples} per channel from the start of {@code file}. */
  static ReelAudio decode(Path file, int maxSamples) {
    if (!Files.isReadable(file)) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "media.musicPath points to " + file
          + ", which is not a readable file");
    }
    Ffmpeg.load();
    float[] left = new float[maxSamples];
    float[] right = new float[maxSamples];
    int filled;
    try (Chain chain = new Chain(file)) {
      filled = chain.read(left, right);
    }
    if (filled == 0) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "media.musicPath " + file + " has no audio that "
          + "FFmpeg could decode");
    }
    return ReelAudio.fitted(java.util.Arrays.copyOf(left, filled), java.util.Arrays.copyOf(right, filled));
  }

  /** The open demuxer, decoder and resampler of one file; closing frees every native context, opened or not. */
  private static final class Chain implements AutoCloseable {
    private static final int CHUNK = 8192;
    private final Path file;
    private final AVFormatContext input = new AVFormatContext(null);
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private AVCodecContext decoder;
    private SwrContext resampler;
    private int stream;

    Chain(Path file) {
      this.file = file;
      try {
        open();
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    private void open() {
      music(avformat_open_input(input, file.toString(), null, (AVDictionary) null), file, "opening");
      music(avformat_find_stream_info(input, (AVDictionary) null), file, "reading the stream info of");
      stream = music(av_find_best_stream(input, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0), file,
          "finding an audio stream in");
      AVCodec codec = avcodec_find_decoder(input.streams(stream).codecpar().codec_id());
      decoder = avcodec_alloc_context3(codec);
      music(avcodec_parameters_to_context(decoder, input.streams(stream).codecpar()), file, "reading the codec of");
      music(avcodec_open2(decoder, codec, (AVDictionary) null), file, "opening the decoder of");
      resampler = new SwrContext(null);
      music(swr_alloc_set_opts2(resampler, AV_CHANNEL_LAYOUT_STEREO(), AV_SAMPLE_FMT_FLTP, Mp4Writer.SAMPLE_RATE,
          decoder.ch_layout(), decoder.sample_fmt(), decoder.sample_rate(), 0, null), file, "resampling");
      music(swr_init(resampler), file, "resampling");
    }

    /** Fills {@code left} and {@code right} from the start of the stream; returns the samples per channel read. */
    int read(float[] left, float[] right) {
      int max = left.length;
      int filled = 0;
      try (FloatPointer l = new FloatPointer(CHUNK); FloatPointer r = new FloatPointer(CHUNK);
          PointerPointer<FloatPointer> out = new PointerPointer<>(2)) {
        out.put(0, l).put(1, r);
        while (filled < max && av_read_frame(input, packet) >= 0) {
          if (packet.stream_index() == stream && avcodec_send_packet(decoder, packet) >= 0) {
            while (filled < max && avcodec_receive_frame(decoder, frame) >= 0) {
              int got = music(swr_convert(resampler, out, CHUNK, frame.extended_data(), frame.nb_samples()), file,
                  "resampling");
              int take = Math.min(got, max - filled);
              l.get(left, filled, take);
              r.get(right, filled, take);
              filled += take;
            }
          }
          av_packet_unref(packet);
        }
      }
      return filled;
    }

    @Override
    public void close() {
      av_frame_free(frame);
      av_packet_free(packet);
      if (resampler != null) {
        swr_free(resampler);
      }
      if (decoder != null) {
        avcodec_free_context(decoder);
      }
      avformat_close_input(input);
    }
  }

  /** A bad music file is the operator's to fix: config_error naming the file and FFmpeg's reason. */
  private static int music(int code, Path file, String what) {
    if (code < 0) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "media.musicPath: FFmpeg failed " + what + " " + file
          + ": " + Ffmpeg.error(code));
    }
    return code;
  }
}
