package io.maestro.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Reads an MP4 back in-process with avformat, the way ffprobe would (no ffprobe needed): its streams, duration,
 * and decoded video frames as pictures. Test-side only.
 */
final class Mp4Probe {
  record Stream(String type, String codec, int width, int height, String pixelFormat, int fpsNum, int fpsDen,
      int sampleRate, int channels) {}

  record Info(double durationSeconds, List<Stream> streams) {
    Stream video() {
      return streams.stream().filter(s -> s.type().equals("video")).findFirst().orElseThrow();
    }

    Stream audio() {
      return streams.stream().filter(s -> s.type().equals("audio")).findFirst().orElseThrow();
    }
  }

  private Mp4Probe() {}

  static Info probe(Path file) {
    Ffmpeg.load();
    AVFormatContext input = new AVFormatContext(null);
    try {
      Ffmpeg.check(avformat_open_input(input, file.toString(), null, (AVDictionary) null), "opening " + file);
      Ffmpeg.check(avformat_find_stream_info(input, (AVDictionary) null), "reading streams of " + file);
      List<Stream> streams = new ArrayList<>();
      for (int i = 0; i < input.nb_streams(); i++) {
        AVCodecParameters p = input.streams(i).codecpar();
        String type = p.codec_type() == AVMEDIA_TYPE_VIDEO ? "video"
            : p.codec_type() == AVMEDIA_TYPE_AUDIO ? "audio" : "other";
        BytePointer pixName = type.equals("video") ? av_get_pix_fmt_name(p.format()) : null;
        streams.add(new Stream(type, avcodec_get_name(p.codec_id()).getString(), p.width(), p.height(),
            pixName == null ? "" : pixName.getString(), input.streams(i).r_frame_rate().num(),
            input.streams(i).r_frame_rate().den(), p.sample_rate(), p.ch_layout().nb_channels()));
      }
      return new Info(input.duration() / (double) AV_TIME_BASE, streams);
    } finally {
      avformat_close_input(input);
    }
  }

  /** Decodes the video frames with the given indexes (ascending) to RGB pictures. */
  static List<BufferedImage> frames(Path file, int... indexes) {
    Ffmpeg.load();
    List<BufferedImage> images = new ArrayList<>();
    AVFormatContext input = new AVFormatContext(null);
    AVCodecContext decoder = null;
    SwsContext sws = null;
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      Ffmpeg.check(avformat_open_input(input, file.toString(), null, (AVDictionary) null), "opening " + file);
      Ffmpeg.check(avformat_find_stream_info(input, (AVDictionary) null), "reading streams");
      int stream = Ffmpeg.check(av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0), "video");
      AVCodec codec = avcodec_find_decoder(input.streams(stream).codecpar().codec_id());
      decoder = avcodec_alloc_context3(codec);
      avcodec_parameters_to_context(decoder, input.streams(stream).codecpar());
      Ffmpeg.check(avcodec_open2(decoder, codec, (AVDictionary) null), "opening the decoder");
      int index = 0;
      int wanted = 0;
      boolean flushing = false;
      while (wanted < indexes.length) {
        if (!flushing) {
          if (av_read_frame(input, packet) < 0) {
            flushing = true;
            avcodec_send_packet(decoder, null);
          } else {
            if (packet.stream_index() == stream) {
              avcodec_send_packet(decoder, packet);
            }
            av_packet_unref(packet);
          }
        }
        boolean got = false;
        while (wanted < indexes.length && avcodec_receive_frame(decoder, frame) >= 0) {
          got = true;
          if (index == indexes[wanted]) {
            int w = frame.width();
            int h = frame.height();
            sws = sws_getCachedContext(sws, w, h, frame.format(), w, h, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null,
                (DoublePointer) null);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            // swscale may write a little past the last row: the buffer is padded
            try (BytePointer out = new BytePointer((long) w * h * 3 + 4096);
                PointerPointer<BytePointer> dst = new PointerPointer<>(4);
                IntPointer dstStride = new IntPointer(4)) {
              dst.put(0, out);
              dstStride.put(0, w * 3);
              sws_scale(sws, frame.data(), frame.linesize(), 0, h, dst, dstStride);
              out.position(0).get(pixels);
            }
            images.add(image);
            wanted++;
          }
          index++;
        }
        if (flushing && !got) {
          break;
        }
      }
      return images;
    } finally {
      if (sws != null) {
        sws_freeContext(sws);
      }
      av_frame_free(frame);
      av_packet_free(packet);
      if (decoder != null) {
        avcodec_free_context(decoder);
      }
      avformat_close_input(input);
    }
  }
}
