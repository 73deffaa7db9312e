site-name = Notebridge
site-tagline = Notes from people who do not share a language.
landing-title = Newest notes
landing-empty = No notes yet. Be the first to post one.
landing-by = by { $author }
landing-photos = { $count ->
    [one] 1 photo
   *[other] { $count } photos
}
switch-language = 中文
authorize-title = Sign in to authorize an app
authorize-app-wants = { $app } wants to use your Notebridge account.
authorize-scopes = It asks to:
scope-read = read your notes, notifications and lists
scope-write = post, like, collect and change your profile
scope-follow = follow, block and mute accounts
scope-push = send you push notifications
scope-profile = see your profile
scope-other = { $scope }
login-label = Email or username
password-label = Password
authorize-allow = Authorize
authorize-deny = Deny
authorize-wrong-login = The username or password is wrong.
authorize-bad-request = This authorization request cannot be used: { $reason }
authorize-expired = The form expired. Please try again.
authorized-title = Authorized
authorized-copy-code = Copy this code into the app:
denied-title = Access denied
denied-text = The app was not authorized.
