//! BGP peers of virtual interfaces: CreateBGPPeer, DeleteBGPPeer. New peers answer
//! `pending` ⇢ [verifying ⇢] available; a delete answers `deleting` ⇢ deleted; the
//! last live peer of a VIF cannot be deleted.

use super::*;

/// A BGP peer of a virtual interface.
#[derive(Debug, Clone)]
pub(super) struct BgpPeer {
    pub(super) id: String,
    pub(super) asn: i64,
    pub(super) family: String,
    pub(super) amazon_address: String,
    pub(super) customer_address: String,
    pub(super) auth_key: String,
    pub(super) progress: Progress,
}

impl BgpPeer {
    pub(super) fn gone(&self, now: Duration, delay: Duration) -> bool {
        GONE.contains(&self.progress.current(now, delay))
    }

    pub(super) fn render(&self, state: &str, device: &str) -> Value {
        json!({
            "bgpPeerId": self.id,
            "asn": self.asn,
            "authKey": self.auth_key,
            "addressFamily": self.family,
            "amazonAddress": self.amazon_address,
            "customerAddress": self.customer_address,
            "bgpPeerState": state,
            "bgpStatus": "down",
            "awsDeviceV2": device,
            "awsLogicalDeviceId": device,
        })
    }
}

/// CreateBGPPeer: a new peer (pending) on the caller's VIF; the VIF keeps its state.
pub(super) fn create_bgp_peer(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let empty = Map::new();
    let object = call
        .member("newBGPPeer")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let asn = peer_asn(object)?;
    let family = family(object)?;
    let canonical = world.ids.canonical(id);
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    if vif.gone(call.now, delay) || vif.confirming(call.now, delay) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is in the {} state and cannot take BGP peers",
            vif.current(call.now, delay)
        )));
    }
    if vif
        .peers
        .iter()
        .any(|p| p.family == family && !p.gone(call.now, delay))
    {
        return Err(ApiError::client(format!(
            "Virtual interface {id} already has an {family} BGP peer"
        )));
    }
    let (amazon, customer) = match (vif.vif_type, family.as_str()) {
        ("public", "ipv4") => public_addresses(
            string(object, "amazonAddress"),
            string(object, "customerAddress"),
        )?,
        (_, "ipv6")
            if object.contains_key("amazonAddress") || object.contains_key("customerAddress") =>
        {
            return Err(ApiError::client(
                "IPv6 peering addresses are assigned by AWS and cannot be specified",
            ));
        }
        _ => {
            let seed = ids::seed(&format!("{canonical}/{}", vif.peers.len()));
            let (a, c) = assigned_addresses(&family, seed);
            (
                string(object, "amazonAddress").map_or(a, str::to_owned),
                string(object, "customerAddress").map_or(c, str::to_owned),
            )
        }
    };
    let (vif_type, vif_asn) = (vif.vif_type, vif.asn);
    let peer_id = world.ids.next(call.account, "dxpeer");
    let seed = world.ids.seed(&format!("{peer_id}/{asn}/{vif_asn}"));
    let key = auth_key(object, seed)?;
    let vif = world.owned::<VirtualInterface>(call.account, id)?;
    vif.peers.push(BgpPeer {
        progress: Progress::new(peer_chain(vif_type, seed), call.now, seed),
        id: peer_id,
        asn,
        family,
        amazon_address: amazon,
        customer_address: customer,
        auth_key: key,
    });
    Ok(json!({ "virtualInterface": vif.render(call.now, delay) }))
}

/// DeleteBGPPeer: by id (or ASN and customer address); never the last live peer.
pub(super) fn delete_bgp_peer(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    let id = call.required_string("virtualInterfaceId")?;
    let vif = world.owned_live::<VirtualInterface>(call, id, |vif| {
        format!(
            "Virtual interface {id} is in the {} state",
            vif.current(call.now, delay)
        )
    })?;
    let by_id = call.string("bgpPeerId");
    let asn = call.integer("asnLong").or(call.integer("asn"));
    let customer = call.string("customerAddress");
    let index = vif.peers.iter().position(|p| match by_id {
        Some(peer) => p.id == peer,
        None => Some(p.asn) == asn && Some(p.customer_address.as_str()) == customer,
    });
    let Some(index) = index else {
        return Err(ApiError::not_found(
            "BGPPeer",
            by_id.unwrap_or("(by ASN and address)"),
        ));
    };
    if vif.peers[index].gone(call.now, delay) {
        return Err(ApiError::client(format!(
            "BGP peer {} is in the {} state and cannot be deleted",
            vif.peers[index].id,
            vif.peers[index].progress.current(call.now, delay)
        )));
    }
    let live = vif
        .peers
        .iter()
        .filter(|p| !p.gone(call.now, delay))
        .count();
    if live <= 1 {
        return Err(ApiError::client(
            "The last BGP Peer on a Virtual Interface cannot be deleted",
        ));
    }
    vif.peers[index].progress.restart(DELETING, call.now);
    Ok(json!({ "virtualInterface": vif.render(call.now, delay) }))
}
