package io.maestro.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One MP4 being written in-process: H.264 (libx264, yuv420p, BT.709) and AAC (44.1 kHz stereo, 128 kb/s), moov atom
 * at the front (+faststart). Every native object it allocates is freed by {@link #close()}, whether the file was
 * finished or abandoned half-way (a job deadline): the muxer, both codec contexts, the audio frame and the packet.
 */
final class Mp4Writer implements AutoCloseable {
  static final int FPS = 30;
  static final int SAMPLE_RATE = 44_100;

  private final AVPacket packet;
  private AVFormatContext muxer;
  private AVCodecContext video;
  private AVCodecContext audio;
  private AVStream videoStream;
  private AVStream audioStream;
  private AVFrame audioFrame;
  private long audioPts;
  private boolean finished;

  /** x264 settings: preset, crf, tune and x264-params (empty = none), encoder threads. */
  record X264(String preset, int crf, String tune, String params, int threads) {}

  Mp4Writer(Path out, int width, int height, X264 x264) {
    Ffmpeg.load();
    packet = av_packet_alloc();
    try {
      muxer = new AVFormatContext(null);
      Ffmpeg.check(avformat_alloc_output_context2(muxer, null, "mp4", out.toString()), "allocating the MP4 muxer");
      openVideo(width, height, x264);
      openAudio();
      AVIOContext io = new AVIOContext(null);
      Ffmpeg.check(avio_open(io, out.toString(), AVIO_FLAG_WRITE), "opening " + out + " for writing");
      muxer.pb(io);
      AVDictionary options = new AVDictionary(null);
      av_dict_set(options, "movflags", "+faststart", 0);
      int written = avformat_write_header(muxer, options);
      av_dict_free(options);
      Ffmpeg.check(written, "writing the MP4 header");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void openVideo(int width, int height, X264 x264) {
    AVCodec codec = avcodec_find_encoder_by_name("libx264");
    if (codec == null || codec.isNull()) {
      throw new MaestroException(FailureCode.FFMPEG_ENCODER, "Error while opening encoder: libx264 is not in the "
          + "loaded FFmpeg (the org.bytedeco:ffmpeg natives must be the -gpl build)");
    }
    video = avcodec_alloc_context3(codec);
    video.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P).time_base(av_make_q(1, FPS))
        .framerate(av_make_q(FPS, 1)).gop_size(2 * FPS).thread_count(x264.threads());
    // the frames are converted with BT.709 limited-range coefficients (ReelFrames): say so, or players guess
    video.colorspace(AVCOL_SPC_BT709).color_primaries(AVCOL_PRI_BT709).color_trc(AVCOL_TRC_BT709)
        .color_range(AVCOL_RANGE_MPEG);
    if ((muxer.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
      video.flags(video.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    AVDictionary options = new AVDictionary(null);
    av_dict_set(options, "preset", x264.preset(), 0);
    av_dict_set(options, "crf", String.valueOf(x264.crf()), 0);
    if (!x264.tune().isEmpty()) {
      av_dict_set(options, "tune", x264.tune(), 0);
    }
    if (!x264.params().isEmpty()) {
      av_dict_set(options, "x264-params", x264.params(), 0);
    }
    int opened = avcodec_open2(video, codec, options);
    av_dict_free(options);
    if (opened < 0) {
      throw new MaestroException(FailureCode.FFMPEG_ENCODER, "Error while opening encoder libx264 (preset "
          + x264.preset() + ", crf " + x264.crf() + "): " + Ffmpeg.error(opened));
    }
    videoStream = avformat_new_stream(muxer, null);
    Ffmpeg.check(avcodec_parameters_from_context(videoStream.codecpar(), video), "describing the video stream");
    videoStream.time_base(video.time_base());
  }

  private void openAudio() {
    AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    audio = avcodec_alloc_context3(codec);
    audio.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(SAMPLE_RATE).bit_rate(128_000)
        .time_base(av_make_q(1, SAMPLE_RATE));
    av_channel_layout_copy(audio.ch_layout(), AV_CHANNEL_LAYOUT_STEREO());
    if ((muxer.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
      audio.flags(audio.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    int opened = avcodec_open2(audio, codec, (AVDictionary) null);
    if (opened < 0) {
      throw new MaestroException(FailureCode.FFMPEG_ENCODER, "Error while opening encoder aac: "
          + Ffmpeg.error(opened));
    }
    audioStream = avformat_new_stream(muxer, null);
    Ffmpeg.check(avcodec_parameters_from_context(audioStream.codecpar(), audio), "describing the audio stream");
    audioStream.time_base(audio.time_base());
    audioFrame = av_frame_alloc();
    audioFrame.nb_samples(audio.frame_size()).format(AV_SAMPLE_FMT_FLTP).sample_rate(SAMPLE_RATE);
    av_channel_layout_copy(audioFrame.ch_layout(), AV_CHANNEL_LAYOUT_STEREO());
    Ffmpeg.check(av_frame_get_buffer(audioFrame, 0), "allocating the audio frame");
  }

  /** Samples per AAC frame: {@link #writeAudio} takes exactly this many per call. */
  int audioFrameSize() {
    return audio.frame_size();
  }

  /** Samples written so far (the audio clock). */
  long audioSamples() {
    return audioPts;
  }

  /** Encodes video frame number {@code index} (yuv420p, the writer's size). */
  void writeVideo(AVFrame frame, long index) {
    frame.pts(index);
    Ffmpeg.check(avcodec_send_frame(video, frame), "encoding video frame " + index);
    drain(video, videoStream);
  }

  /** Encodes one AAC frame of planar stereo samples from {@code offset}; zeros past the end of the arrays. */
  void writeAudio(float[] left, float[] right, int offset) {
    Ffmpeg.check(av_frame_make_writable(audioFrame), "preparing the audio frame");
    int n = audio.frame_size();
    int available = Math.max(0, Math.min(n, left.length - offset));
    float[] l = new float[n];
    float[] r = new float[n];
    System.arraycopy(left, offset, l, 0, available);
    System.arraycopy(right, offset, r, 0, available);
    new FloatPointer(audioFrame.data(0)).put(l, 0, n);
    new FloatPointer(audioFrame.data(1)).put(r, 0, n);
    audioFrame.pts(audioPts);
    audioPts += n;
    Ffmpeg.check(avcodec_send_frame(audio, audioFrame), "encoding audio");
    drain(audio, audioStream);
  }

  /** Flushes both encoders and writes the trailer (with +faststart, the moov atom moves to the front). */
  void finish() {
    Ffmpeg.check(avcodec_send_frame(video, null), "flushing the video encoder");
    drain(video, videoStream);
    Ffmpeg.check(avcodec_send_frame(audio, null), "flushing the audio encoder");
    drain(audio, audioStream);
    Ffmpeg.check(av_write_trailer(muxer), "finishing the MP4 (trailer, faststart)");
    finished = true;
  }

  private void drain(AVCodecContext codec, AVStream stream) {
    while (true) {
      int received = avcodec_receive_packet(codec, packet);
      if (received == Ffmpeg.AVERROR_EAGAIN || received == AVERROR_EOF()) {
        return;
      }
      Ffmpeg.check(received, "receiving an encoded packet");
      av_packet_rescale_ts(packet, codec.time_base(), stream.time_base());
      packet.stream_index(stream.index());
      // takes the packet's reference (and unreferences it) whether or not it succeeds
      Ffmpeg.check(av_interleaved_write_frame(muxer, packet), "writing a packet to the MP4");
    }
  }

  boolean finished() {
    return finished;
  }

  @Override
  public void close() {
    if (muxer != null && !muxer.isNull()) {
      if (muxer.pb() != null && !muxer.pb().isNull()) {
        avio_close(muxer.pb());
        muxer.pb(null);
      }
      avformat_free_context(muxer); // frees the streams too
      muxer = null;
    }
    if (video != null) {
      avcodec_free_context(video);
      video = null;
    }
    if (audio != null) {
      avcodec_free_context(audio);
      audio = null;
    }
    if (audioFrame != null) {
      av_frame_free(audioFrame);
      audioFrame = null;
    }
    av_packet_free(packet);
  }
}
