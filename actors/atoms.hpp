// The project's message vocabulary. Atoms live in actorgate:: because CAF
// already defines several generic ones (get_atom, ok_atom, ...).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actorgate/actors/deadline.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/actors/request.hpp"

namespace actorgate {

/// (handle_atom, request, reply_handle): a request for a route actor.
using handle_atom = caf::atom_constant<caf::atom("ag_handle")>;

} // namespace actorgate

// In-process only: the reply handle carries a pointer back into the session.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::reply_handle)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::deadline)
