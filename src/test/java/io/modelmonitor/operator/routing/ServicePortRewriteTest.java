package io.modelmonitor.operator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modelmonitor.operator.injection.Annotations;
import io.modelmonitor.testsupport.Fixtures;

class ServicePortRewriteTest {

    private final Container model = Fixtures.modelDeployment("ns", "m", 1).getSpec().getTemplate().getSpec().getContainers().get(0);

    @Test
    void routesOnlyThePortThatTargetsTheModelAndRestoresItExactly() {
        Service service = Fixtures.modelService("ns", "m");
        String before = Serialization.asJson(service);

        assertThat(ServicePortRewrite.route(service, model, 8080, "fraud")).isTrue();
        assertThat(service.getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME));
        assertThat(service.getSpec().getPorts().get(1).getTargetPort()).isEqualTo(new IntOrString(5005));
        assertThat(ServicePortRewrite.isRouted(service)).isTrue();
        assertThat(ServicePortRewrite.route(service, model, 8080, "fraud")).as("routing twice is a no-op").isFalse();

        assertThat(ServicePortRewrite.restore(service)).isTrue();
        assertThat(Serialization.asJson(service)).isEqualTo(before);
        assertThat(ServicePortRewrite.restore(service)).isFalse();
    }

    @Test
    void aNumericOrMissingTargetPortIsRestoredAsItWas() {
        Service service = new ServiceBuilder().withNewMetadata().withName("m").addToAnnotations("owner", "ml").endMetadata()
                .withNewSpec()
                    .addNewPort().withName("a").withPort(8080).endPort()
                    .addNewPort().withName("b").withPort(81).withTargetPort(new IntOrString(8080)).endPort()
                .endSpec().build();
        String before = Serialization.asJson(service);

        assertThat(ServicePortRewrite.route(service, model, 8080, "fraud")).isTrue();
        assertThat(service.getSpec().getPorts()).allSatisfy(p ->
                assertThat(p.getTargetPort()).isEqualTo(new IntOrString(Annotations.DATA_PORT_NAME)));
        ServicePortRewrite.restore(service);
        assertThat(Serialization.asJson(service)).isEqualTo(before);
    }

    @Test
    void aServiceWithoutAModelPortIsLeftAlone() {
        Service service = new ServiceBuilder().withNewMetadata().withName("m").endMetadata()
                .withNewSpec().addNewPort().withPort(443).withTargetPort(new IntOrString(8443)).endPort().endSpec().build();
        assertThat(ServicePortRewrite.route(service, model, 8080, "fraud")).isFalse();
        assertThat(service.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void aServiceResetBySomeoneElseNoLongerCountsAsRoutedAndIsRoutedAgainWithoutLosingItsOriginals() {
        Service service = Fixtures.modelService("ns", "m");
        String before = Serialization.asJson(service);
        ServicePortRewrite.route(service, model, 8080, "fraud");
        assertThat(ServicePortRewrite.routesThroughCollector(service, model, 8080)).isTrue();
        assertThat(ServicePortRewrite.routedBy(service)).contains("fraud");

        // A GitOps sync puts the port back as Git has it, and keeps the annotations it does not manage.
        service.getSpec().getPorts().get(0).setTargetPort(new IntOrString("http"));
        assertThat(ServicePortRewrite.isRouted(service)).as("our annotation is still there").isTrue();
        assertThat(ServicePortRewrite.routesThroughCollector(service, model, 8080)).as("but the traffic goes around").isFalse();

        assertThat(ServicePortRewrite.route(service, model, 8080, "fraud")).isTrue();
        assertThat(ServicePortRewrite.routesThroughCollector(service, model, 8080)).isTrue();
        ServicePortRewrite.restore(service);
        assertThat(Serialization.asJson(service)).isEqualTo(before);
    }

    @Test
    void restoringLeavesAPortThatSomeoneElseRepointedAlone() {
        Service service = Fixtures.modelService("ns", "m");
        ServicePortRewrite.route(service, model, 8080, "fraud");
        service.getSpec().getPorts().get(0).setTargetPort(new IntOrString(9999));

        ServicePortRewrite.restore(service);

        assertThat(service.getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString(9999));
        assertThat(ServicePortRewrite.isRouted(service)).isFalse();
        assertThat(ServicePortRewrite.routedBy(service)).isEmpty();
    }
}
