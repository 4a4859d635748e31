package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import com.fasterxml.jackson.databind.JsonNode;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

/**
 * A model whose port speaks gRPC (Open Inference Protocol v2, as Triton and KServe serve it) and real gRPC clients,
 * through a collector started with the operator's JVM options: calls work end to end, are timed and counted by
 * their grpc-status, and the predictions of ModelInfer responses get ids in the trailing metadata that labels can
 * be sent for. (The old collector answered UNAVAILABLE and counted the model unreachable.)
 *
 * <p>Runs beside the Quarkus tests, which mostly wait on clocks, and not beside the cluster tests, which it would
 * slow on the same two cores (the unit phase's concurrent lane). Its tests run one after another.
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorGrpcTest extends CollectorTestSupport {

    private static final String TOKEN = "feedback-token-0123456789";
    private static final MethodDescriptor<byte[], byte[]> MODEL_INFER = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("inference.GRPCInferenceService/ModelInfer")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();
    private static final Metadata.Key<String> PREDICTION_ID = Metadata.Key.of("x-prediction-id",
            Metadata.ASCII_STRING_MARSHALLER);

    private Server model;

    @AfterEach
    void closeTheRest() throws Exception {
        if (model != null) {
            model.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void modelInferCallsPassThroughWithPredictionIdsInTheirTrailers() throws Exception {
        startModel();
        CollectorProcess collector = closing(CollectorProcess.start(model.getPort(), Map.of(
                "MM_TASK", "multiclass-classification", "MM_FEEDBACK_TOKEN", TOKEN)));

        Call scores = call(collector, "scores");
        Call raw = call(collector, "raw");

        assertThat(scores.response()).as("the model's message, byte for byte").isEqualTo(scoresResponse());
        assertThat(scores.ids()).as("one id per row of the first output").hasSize(3)
                .allMatch(id -> id.length() < 64 && id.contains(".5d8f7c9b44@127.0.0.1:"));
        assertThat(raw.ids()).as("rows of raw_output_contents").hasSize(2);

        // The labels, sent by id to the feedback endpoint, join with what the gRPC calls predicted (0, 1, 1, 2, 0).
        String labels = "[{\"id\":\"" + scores.ids()[0] + "\",\"label\":\"0\"},{\"id\":\"" + scores.ids()[1]
                + "\",\"label\":\"0\"},{\"id\":\"" + raw.ids()[0] + "\",\"label\":\"2\"}]";
        JsonNode answer = PredictionReader.JSON.readTree(feedback(collector, labels));
        assertThat(answer.get("matched").asInt()).isEqualTo(3);
        assertThat(collector.metric("modelmonitor_labels_total{predicted=\"0\",actual=\"0\"}")).isEqualTo(1);
        assertThat(collector.metric("modelmonitor_labels_total{predicted=\"1\",actual=\"0\"}")).isEqualTo(1);
        assertThat(collector.metric("modelmonitor_labels_total{predicted=\"2\",actual=\"2\"}")).isEqualTo(1);
        assertThat(collector.metric("modelmonitor_predictions_total{class=\"1\",segment=\"none\"}")).isEqualTo(2);
        assertThat(collector.metric("modelmonitor_grpc_calls_total")).isEqualTo(2);
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"2xx\"}")).isEqualTo(2);
        assertThat(collector.metric("modelmonitor_request_duration_seconds_count")).as("timed").isEqualTo(2);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void grpcStatusesCountAsTheCallersOrTheModelsErrors() throws Exception {
        startModel();
        CollectorProcess collector = closing(CollectorProcess.start(model.getPort(), Map.of()));

        assertThatThrownBy(() -> call(collector, "missing")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> call(collector, "broken")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));

        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"4xx\"}")).as("NOT_FOUND").isEqualTo(1);
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"5xx\"}")).as("INTERNAL").isEqualTo(1);
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"unreachable\"}")).isZero();
        assertThat(collector.metric("modelmonitor_grpc_calls_total")).isEqualTo(2);

        model.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> call(collector, "scores")).as("the model is down")
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"unreachable\"}")).isEqualTo(1);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void plainHttp2WithPriorKnowledgeIsProxiedAsHttp2() throws Exception {
        Vertx vertx = Vertx.vertx();
        closing(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        AtomicReference<HttpVersion> seenByModel = new AtomicReference<>();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .requestHandler(r -> {
                    seenByModel.set(r.version());
                    r.response().putHeader("content-type", "application/json").end("{\"predictions\":[1]}");
                });
        server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CollectorProcess collector = closing(CollectorProcess.start(server.actualPort(), Map.of(
                "MM_FEATURES", "[{\"name\":\"x\",\"type\":\"numerical\",\"index\":0}]")));

        var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        record Answer(HttpVersion version, String predictionId, String body) {
        }
        // The body is asked for in the same step as the response: Vert.x would not keep it for a later call.
        Answer answer = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(collector.dataPort()).setURI("/v1/models/m:predict"))
                .compose(r -> r.send(Buffer.buffer("{\"instances\":[[7]]}")))
                .compose(r -> r.body().map(b -> new Answer(r.version(), r.getHeader("x-prediction-id"), b.toString())))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(seenByModel.get()).as("the model spoke HTTP/2 too").isEqualTo(HttpVersion.HTTP_2);
        assertThat(answer.body()).isEqualTo("{\"predictions\":[1]}");
        assertThat(answer.predictionId()).isNotBlank();
        assertThat(collector.metric("modelmonitor_requests_total{code_class=\"2xx\"}")).isEqualTo(1);
        assertThat(collector.metric("modelmonitor_feature_values_total{feature=\"x\",type=\"numerical\",kind=\"value\"}"))
                .as("the features of JSON over HTTP/2 too").isEqualTo(1);
    }

    /**
     * The features of ModelInfer requests (OIP v2 input tensors, by name) and of JSON over HTTP/2 are read as over
     * HTTP/1.1, and the calls pass untouched.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void inputTensorsOfModelInferRequestsAndJsonOverHttp2AreReadForTheirFeatures() throws Exception {
        startModel();
        CollectorProcess collector = closing(CollectorProcess.start(model.getPort(), Map.of(
                "MM_TASK", "multiclass-classification", "MM_FEATURES",
                "[{\"name\":\"amount\",\"type\":\"numerical\"},{\"name\":\"country\",\"type\":\"categorical\"}]")));
        ByteBuffer amounts = ByteBuffer.allocate(3 * 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(12.5f).putFloat(80f)
                .putFloat(Float.NaN);
        byte[] amount = new Protobuf().string(1, "amount").string(2, "FP32").bytes(3, new Protobuf().varint(3).bytes())
                .bytes(5, new Protobuf().bytes(6, amounts.array()).bytes()).bytes();
        byte[] countries = new Protobuf().string(8, "DE").string(8, "FR").string(8, "DE").bytes();
        byte[] country = new Protobuf().string(1, "country").string(2, "BYTES").bytes(3, new Protobuf().varint(3).bytes())
                .bytes(5, countries).bytes();
        byte[] request = new Protobuf().string(1, "scores").bytes(5, amount).bytes(5, country).bytes();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dataPort()).usePlaintext().build();
        try {
            byte[] response = ClientCalls.blockingUnaryCall(channel, MODEL_INFER,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            assertThat(response).isEqualTo(scoresResponse());
        } finally {
            channel.shutdownNow();
        }
        assertThat(collector.metric("modelmonitor_input_rows_total")).isEqualTo(3);
        assertThat(collector.metric("modelmonitor_feature_values_total{feature=\"amount\",type=\"numerical\",kind=\"value\"}"))
                .isEqualTo(2);
        assertThat(collector.metric("modelmonitor_feature_values_total{feature=\"amount\",type=\"numerical\",kind=\"wrong_type\"}"))
                .as("NaN is no value").isEqualTo(1);
        assertThat(collector.metric("modelmonitor_feature_values_total{feature=\"country\",type=\"categorical\",kind=\"value\"}"))
                .isEqualTo(3);
    }

    private record Call(byte[] response, String[] ids) {
    }

    private Call call(CollectorProcess collector, String modelName) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.dataPort()).usePlaintext().build();
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            byte[] response = ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel, MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)),
                    MODEL_INFER, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new Protobuf().string(1, modelName).bytes());
            String ids = trailers.get().get(PREDICTION_ID);
            return new Call(response, ids == null ? new String[0] : ids.split(","));
        } finally {
            channel.shutdownNow();
        }
    }

    /** Triton's shape of answer: a score vector per row; or, for "raw", INT64 classes in raw_output_contents. */
    private void startModel() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder("inference.GRPCInferenceService")
                .addMethod(MODEL_INFER, ServerCalls.asyncUnaryCall((request, observer) -> {
                    String name = new String(request, 2, request[1], StandardCharsets.UTF_8);
                    switch (name) {
                        case "scores" -> {
                            observer.onNext(scoresResponse());
                            observer.onCompleted();
                        }
                        case "raw" -> {
                            observer.onNext(rawResponse());
                            observer.onCompleted();
                        }
                        case "missing" -> observer.onError(Status.NOT_FOUND.withDescription("no such model").asException());
                        default -> observer.onError(Status.INTERNAL.withDescription("the model failed").asException());
                    }
                })).build();
        model = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    }

    static byte[] scoresResponse() {
        ByteBuffer scores = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : new float[] {0.9f, 0.1f, 0.2f, 0.8f, 0.3f, 0.7f}) {
            scores.putFloat(f);
        }
        byte[] contents = new Protobuf().bytes(6, scores.array()).bytes(); // fp32_contents, packed
        byte[] output = new Protobuf().string(1, "probs").string(2, "FP32").bytes(3, new Protobuf().varint(3).varint(2)
                .bytes()).bytes(5, contents).bytes();
        return new Protobuf().string(1, "iris").string(3, "request-1").bytes(5, output).bytes();
    }

    static byte[] rawResponse() {
        byte[] raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(2).putLong(0).array();
        byte[] output = new Protobuf().string(1, "label").string(2, "INT64").bytes(3, new Protobuf().varint(2).bytes())
                .bytes();
        return new Protobuf().string(1, "iris").bytes(5, output).bytes(6, raw).bytes();
    }

    private static String feedback(CollectorProcess collector, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + collector.dataPort() + "/modelmonitor/v1/feedback")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }


    /** Just enough of the protobuf wire format to write the messages above. */
    static final class Protobuf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Protobuf varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
            return this;
        }

        Protobuf bytes(int field, byte[] value) {
            varint(field << 3 | 2).varint(value.length);
            out.writeBytes(value);
            return this;
        }

        Protobuf string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
