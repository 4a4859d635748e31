#!/usr/bin/env bash
# Can a native executable of the collector be built from what this machine reaches? GraalVM's native-image
# builder is on Maven Central (org.graalvm.nativeimage:svm and its dependencies), but not its launcher, its
# helper libraries or the JDK's static libraries. This probe starts the builder from those artifacts on the
# machine's Temurin JDK and builds a one-line main class; it prints how far it gets. The answer is recorded in
# src/bench/BENCHMARKS.md (issue 32). Nothing here is part of the build or the tests.
#
#   src/native/native-image-probe.sh            # svm 25.0.2 on /usr/lib/jvm/temurin-25-jdk-amd64
#   SVM=25.0.2 JDK=/path/to/jdk src/native/native-image-probe.sh
set -euo pipefail
SVM=${SVM:-25.0.2}
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=${WORK:-$(mktemp -d)}
echo "probe: svm $SVM on $("$JDK/bin/java" -version 2>&1 | head -1), in $work"
cd "$work"

# The builder and its modules, from the Maven repository.
cat > pom.xml <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>probe</groupId><artifactId>native-image-probe</artifactId><version>1</version>
<dependencies><dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId>
<version>$SVM</version></dependency></dependencies></project>
EOF
JAVA_HOME=$JDK mvn -B -q dependency:copy-dependencies -DoutputDirectory=lib >/dev/null 2>&1

# The builder loads a small JNI helper from <java.home>/lib/svm/builder/lib, which only a GraalVM distribution
# has: a copy of the JDK gets our own two-function stand-in (peak RSS and terminal width), or every build error is
# hidden behind "Helper library for ProgressReporterCHelper not available".
rm -rf jdk && cp -a "$JDK" jdk && mkdir -p jdk/lib/svm/builder/lib
cat > helper.c <<'EOF'
#include <jni.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>
JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *e, jclass c) {
  struct rusage u; return getrusage(RUSAGE_SELF, &u) == 0 ? (jlong) u.ru_maxrss * 1024 : -1; }
JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *e, jclass c) {
  struct winsize w; return ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 ? w.ws_col : -1; }
EOF
gcc -shared -fPIC -O2 -I jdk/include -I jdk/include/linux helper.c -o jdk/lib/svm/builder/lib/libreporterchelper.so

mkdir -p app && echo 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }' > app/Hello.java
jdk/bin/javac -d app app/Hello.java

# What the missing launcher would pass: the JDK-internal packages the builder's modules use (found one failure at a
# time), the build-time properties, and the target platform.
builder="org.graalvm.nativeimage.builder,org.graalvm.nativeimage.base,org.graalvm.nativeimage.pointsto,jdk.graal.compiler"
flags=()
for p in jdk.internal.access jdk.internal.event jdk.internal.foreign jdk.internal.foreign.abi jdk.internal.loader \
    jdk.internal.logger jdk.internal.math jdk.internal.misc jdk.internal.module jdk.internal.ref jdk.internal.reflect \
    jdk.internal.util jdk.internal.vm jdk.internal.vm.annotation sun.invoke.util sun.net.www sun.nio.ch sun.nio.cs \
    sun.reflect.annotation sun.reflect.generics.factory sun.reflect.generics.parser sun.reflect.generics.reflectiveObjects \
    sun.reflect.generics.repository sun.reflect.generics.scope sun.reflect.generics.tree sun.security.jca \
    sun.security.provider sun.security.util sun.security.x509 sun.text.spi sun.util.calendar sun.util.cldr \
    sun.util.locale sun.util.locale.provider sun.util.logging sun.util.resources; do
  flags+=(--add-exports "java.base/$p=$builder")
done
for p in aarch64 amd64 code code.site code.stack common hotspot meta riscv64 runtime services; do
  flags+=(--add-exports "jdk.internal.vm.ci/jdk.vm.ci.$p=$builder,org.graalvm.nativeimage.objectfile")
done
flags+=(--add-exports "jdk.management/com.sun.management.internal=$builder")
for p in java.lang java.lang.invoke java.lang.reflect jdk.internal.misc; do flags+=(--add-opens "java.base/$p=$builder"); done

set +e
jdk/bin/java -XX:+UseParallelGC -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Dorg.graalvm.nativeimage.imagecode=buildtime -Dcom.oracle.graalvm.isaot=true -Djava.awt.headless=true \
  -Djdk.internal.lambda.disableEagerInitialization=true -Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false \
  -Dorg.graalvm.version="$SVM" -Dorg.graalvm.vendor=probe '-Dsvm.platform=org.graalvm.nativeimage.Platform$LINUX_AMD64' \
  --enable-native-access=org.graalvm.nativeimage.builder "${flags[@]}" \
  --upgrade-module-path "lib/compiler-$SVM.jar" --module-path "$(ls lib/*.jar | tr '\n' ':')" --add-modules ALL-MODULE-PATH \
  -m org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp app -H:Name=hello -H:Class=Hello -H:Path="$work/out" -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" \
  > build.log 2>&1
rc=$?
set -e
if [ "$rc" -eq 0 ] && "$work/out/hello" | grep -q hello; then
  echo "probe: built and ran $work/out/hello"
  exit 0
fi
echo "probe: the builder exited $rc; its first error:"
grep -v -e '^WARNING' -e 'Unknown module' build.log | grep -m1 -A4 -E '^(Error|Fatal error)'
exit 1
