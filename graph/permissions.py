"""Which permissions each Graph call the project makes accepts, from its reference page's permissions table
(microsoftgraph/microsoft-graph-docs-contrib, `api-reference/v1.0/api/<page>.md` and
`includes/permissions/<page>-permissions.md`): application permissions and the resource-specific consent
(RSC) permissions the manifest asks for. The sandbox refuses a call none of whose permissions is granted
(`Switches.refused_permissions`); the doctor names the first one, the least privileged, as what is missing.

Deprecated directory-wide permissions (Group.*, Directory.*) and migration-only ones (Teamwork.Migrate.All)
are left out: the project never asks for them.
"""

from __future__ import annotations

from types import MappingProxyType

# RSC permissions: granted per team by its owner when the app is installed (manifest `resourceSpecific`).
RSC = frozenset(
    {"Channel.Create.Group", "ChannelSettings.Read.Group", "TeamMember.Read.Group", "File.Read.Group"}
)

_CHANNEL_READ = ("ChannelSettings.Read.Group", "Channel.ReadBasic.All", "ChannelSettings.Read.All")
_FILES_READ = ("Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All")
_SELECTED = ("Sites.Selected",)  # with the site granted to the app (README, deploying guide step 3)
_FILES_WRITE = ("Files.ReadWrite.All", "Sites.ReadWrite.All", *_SELECTED)

# page -> accepted permissions, least privileged first.
ACCEPTED: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "channel-post": ("Channel.Create.Group", "Channel.Create"),
        "channel-list": _CHANNEL_READ,
        "channel-get": _CHANNEL_READ,
        "team-get-primarychannel": _CHANNEL_READ,
        "channel-get-filesfolder": ("File.Read.Group", *_FILES_READ),
        "team-list-members": ("TeamMember.Read.Group", "TeamMember.Read.All", "TeamMember.ReadWrite.All"),
        # No RSC option; TeamMember.ReadWriteNonOwnerRole.All adds members but not owners.
        "team-post-members": ("TeamMember.ReadWriteNonOwnerRole.All", "TeamMember.ReadWrite.All"),
        "driveitem-get": (*_FILES_READ, *_SELECTED),
        "driveitem-list-children": (*_FILES_READ, *_SELECTED),
        "driveitem-get-content": (*_FILES_READ, *_SELECTED),
        "driveitem-post-children": _FILES_WRITE,
        "driveitem-put-content": _FILES_WRITE,
        "driveitem-delete": _FILES_WRITE,
        # includes/permissions/driveitem-createuploadsession-permissions.md: application Sites.ReadWrite.All
        # and nothing higher ("Not available").
        "driveitem-createuploadsession": ("Sites.ReadWrite.All",),
        # includes/permissions/driveitem-search-permissions.md: application Sites.Read.All and
        # Sites.ReadWrite.All; no Files.*, and no Sites.Selected (api/driveitem-search.md).
        "driveitem-search": ("Sites.Read.All", "Sites.ReadWrite.All"),
        # includes/permissions/invitation-post-permissions.md: application User.Invite.All (least), then
        # User.ReadWrite.All and Directory.ReadWrite.All (left out, see above).
        "invitation-post": ("User.Invite.All", "User.ReadWrite.All"),
        # api/group-post-members.md: a user into a group is GroupMember.ReadWrite.All (Group.ReadWrite.All
        # also works); used for guests, whom /teams/{id}/members refuses to application permissions.
        "group-post-members": ("GroupMember.ReadWrite.All",),
        # api/user-sendmail.md: application Mail.Send (only with MAIL_SENDER).
        "user-sendmail": ("Mail.Send",),
        "chat-post": ("Chat.Create", "Chat.ReadWrite.All"),
        "chat-post-installedapps": (
            "TeamsAppInstallation.ReadWriteSelfForChat.All",
            "TeamsAppInstallation.ReadWriteAndConsentSelfForChat.All",
            "TeamsAppInstallation.ReadWriteForChat.All",
            "TeamsAppInstallation.ReadWriteAndConsentForChat.All",
        ),
    }
)

# What the deploying guide grants: the manifest's RSC permissions and these application permissions.
RECOMMENDED = RSC | {
    "Sites.ReadWrite.All",
    "TeamMember.ReadWriteNonOwnerRole.All",
    "User.Invite.All",
    "GroupMember.ReadWrite.All",
    "Mail.Send",
    "Chat.Create",
    "TeamsAppInstallation.ReadWriteSelfForChat.All",
}


def permitted(page: str, granted: frozenset[str] | set[str]) -> bool:
    """Whether a call documented on `page` is allowed with `granted` (pages not listed need nothing)."""
    accepted = ACCEPTED.get(page)
    return accepted is None or any(p in granted for p in accepted)


def least_privileged(page: str) -> str:
    return ACCEPTED[page][0]
