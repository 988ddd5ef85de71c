//! Where targets are chosen: an embedded target without an endpoint runs against
//! the reference target, started here in this process and handed to the target
//! layer as an [`InProcessServer`] (so `target` never depends on `emulator`).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use crate::emulator::{Emulator, EmulatorConfig};
use crate::target::{InProcessServer, LaunchedTarget, TargetConfig, TargetError, TargetKind};

/// The reference target as the target layer sees it.
struct Reference(Emulator);

impl InProcessServer for Reference {
    fn endpoint(&self) -> String {
        self.0.endpoint()
    }

    fn version(&self) -> String {
        format!("dxconform reference target {}", env!("CARGO_PKG_VERSION"))
    }

    fn shutdown(self: Box<Self>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.0.shutdown())
    }
}

/// The runtime a replay, a sweep or a recording launches its target in: two worker
/// threads, so that the in-process reference target has threads of its own.
pub fn launch_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Whether `target` runs against a server in this process (started by [`launch`]).
pub fn in_process(target: &TargetConfig) -> bool {
    target.kind == TargetKind::Embedded && target.endpoint.is_none()
}

/// Launch `target`; an embedded target without an endpoint gets the reference
/// target, started on an ephemeral loopback port with `emulator`'s settings.
pub async fn launch(
    target: &TargetConfig,
    emulator: &EmulatorConfig,
) -> Result<LaunchedTarget, TargetError> {
    // Refused configurations start nothing.
    target.validate()?;
    let server: Option<Box<dyn InProcessServer>> = if in_process(target) {
        let addr: SocketAddr = ([127, 0, 0, 1], 0).into();
        let emulator = Emulator::start(addr, emulator.clone())
            .await
            .map_err(|e| TargetError::Embedded(Box::new(e)))?;
        Some(Box::new(Reference(emulator)))
    } else {
        None
    };
    LaunchedTarget::launch(target, server).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_target_layer_resets_where_the_reference_target_serves_resets() {
        assert_eq!(
            crate::vocab::REFERENCE_RESET_PATH,
            crate::emulator::RESET_PATH
        );
    }
}
