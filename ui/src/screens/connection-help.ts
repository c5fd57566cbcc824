// Inline help for the Connection screen, in our words: where each value is
// found in ConnectWise and in the backup platform (the Dashboard, MSP360,
// Comet Backup, Veeam Service Provider Console), and what the sign-in needs.

export const HELP = {
  site:
    'The address you open ConnectWise at, without https:// — na.myconnectwise.net, ' +
    'eu.myconnectwise.net, au.myconnectwise.net or za.myconnectwise.net in the cloud, ' +
    'or your own server’s name (e.g. psa.example.com) on premise.',
  company:
    'The company id you type on the ConnectWise login page, in the “Company” box above your ' +
    'user name (e.g. acmeit). It is your own login company, not a customer.',
  authMode:
    'API member keys are the recommended way. Use an integrator login only if your ' +
    'ConnectWise is set up for integrators already.',
  publicKey:
    'In ConnectWise, System › Members › API Members: add a member for BackupBridge (give it a ' +
    'security role that can work with service tickets, companies and agreements), open it, ' +
    'and on its API Keys tab press + to create a key pair. Copy the public key here.',
  privateKey:
    'The private key from the same key pair. ConnectWise shows it only once, when the pair ' +
    'is created. It is stored in the system keychain, never on disk.',
  integratorUsername:
    'In ConnectWise, System › Setup Tables › Integrator Login: add a login with Access Level ' +
    '“All Records” and tick the Service Ticket API, Company API, Member API and System API. ' +
    'Type its username here.',
  integratorPassword:
    'The password of that integrator login. It is stored in the system keychain, never on disk.',
  impersonateMember:
    'The member id (e.g. jsmith) of the ConnectWise member BackupBridge acts as; tickets and ' +
    'notes show this member as their author, and its security role decides what is allowed.',
  clientId:
    'A ConnectWise developer Client ID (a GUID like 1a2b3c4d-…). Sign in at ' +
    'developer.connectwise.com, open ClientID, create an integration and copy its id.',
  dashboardUrl:
    'The address of your Cloud Backup Dashboard, e.g. https://backup.example.com. ' +
    'https is required except on this computer (localhost).',
  dashboardToken:
    'An API token from the Dashboard, created by an administrator. It is stored in the system ' +
    'keychain, never on disk.',
  sourceKind:
    'The backup platform whose alerts become tickets. Only the chosen platform is read; ' +
    'the values saved for another one are kept.',
  msp360Url:
    'Leave empty for MSP360’s cloud (https://api.mspbackups.com). Fill it in only if MSP360 ' +
    'gave you another API address.',
  msp360Username:
    'In the MSP360 management console, open Settings › General and find the API section: ' +
    'enable the API and copy the API login shown there. It is not your console sign-in.',
  msp360Password:
    'The API password set in the same place (Settings › General › API). It is stored in the ' +
    'system keychain, never on disk.',
  cometUrl:
    'The Comet Server’s address exactly as your browser shows it when you open the Comet ' +
    'admin web console, e.g. https://backup.example.com or https://backup.example.com:8060.',
  cometUsername:
    'A Comet Server admin account. Create a dedicated admin for BackupBridge in the admin web ' +
    'console, without two-factor authentication (the app signs in on its own), and type its ' +
    'username here.',
  cometPassword:
    'That admin’s password, or a session key written as session:<key>. It is stored in the ' +
    'system keychain, never on disk.',
  cometFingerprint:
    'Only for a Comet Server with a self-signed certificate: its SHA-256 fingerprint. BackupBridge ' +
    'then trusts exactly that certificate. Leave empty when the certificate comes from a public ' +
    'authority; certificate errors are never ignored. To read it, run this where the server is ' +
    'reachable and paste the line it prints:',
  vspcUrl:
    'The console’s address with https://: usually on port 1280 (e.g. https://vspc.example.com:1280), ' +
    'or without a port when the console is published behind a reverse proxy on 443.',
  vspcUsername:
    'Leave empty when the secret is an API key. To sign in with a password instead, type the user ' +
    'name of an account kept for BackupBridge alone: sessions of one user can log each other out, ' +
    'so do not use an account people sign in with.',
  vspcSecret:
    'An API key (VSPC 7 and later; preferred), made for an account kept for BackupBridge alone, or ' +
    'that account’s password when a username is set. It is stored in the system keychain, never on disk.',
  vspcFingerprint:
    'Only for a console with a self-signed certificate: its SHA-256 fingerprint. BackupBridge then ' +
    'trusts exactly that certificate. Leave empty when the certificate comes from a public ' +
    'authority; certificate errors are never ignored. To read it, run this where the console is ' +
    'reachable and paste the line it prints:',
} as const;
